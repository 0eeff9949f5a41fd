import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import type { ReadPage, SourceRecord } from '../../electron/backend/connectors/framework/connector';
import { AppError } from '../../shared/errors';
import { InforData } from '../../sandbox/infor/data/records';
import { m3Tables } from '../../sandbox/infor/m3/m3-tables';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';

/**
 * M3 reads against a simulator that behaves like a stock tenant (issue 14): unquoted EXPORTMI with
 * separator-bearing values, REPL cut at 984, `order by` ignored, 13-digit LMTS, two companies,
 * FSLEDG/FCHACC keyed by their whole primary keys. Every record is compared field by field with
 * what the simulator holds.
 */
const seed = 11;
const counts = { customers: 230, suppliers: 30, salesOrders: 20, purchaseOrders: 10, invoices: 120, glAccounts: 24 };

describe('Infor M3 reads never split a value silently', () => {
  let sandbox: InforSandbox;
  const open: InforConnector[] = [];
  beforeAll(async () => {
    sandbox = await startInforSandbox({ seed, counts });
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
  });

  function connector(extra: Record<string, string | number> = {}) {
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    const made = new InforConnector({
      connection: {
        id: `m3-reads-${Math.random()}`,
        settings: { ...ionApiSettings(parsed), productLine: 'm3', ...extra },
        sandbox: true,
      },
      secrets: ionApiSecrets(parsed),
    });
    open.push(made);
    return made;
  }

  async function readAll(
    made: InforConnector,
    entity: string,
    options: { since?: string; pageSize?: number; fields?: string[] } = {},
  ) {
    const records: SourceRecord[] = [];
    const pages: ReadPage[] = [];
    for await (const page of made.read(entity, {
      pageSize: options.pageSize ?? 40,
      since: options.since,
      fields: options.fields,
    })) {
      pages.push(page);
      records.push(...page.records);
    }
    return { records, warnings: pages.flatMap((page) => page.warnings ?? []) };
  }

  const exportQueries = () =>
    sandbox.control
      .requests()
      .filter((call) => call.path.includes('/EXPORTMI/Select'))
      .map((call) => ({ path: call.path, query: call.query.QERY ?? '' }));

  it('reads every customer with every OCUSMA column exactly as M3 holds it (separators inside values included)', async () => {
    const { records } = await readAll(connector(), 'customers');
    expect(records).toHaveLength(counts.customers);
    const truth = new InforData(seed, counts);
    const env = { company: '100', division: 'AAA', stampForm: 'epochMillis' } as const;
    const numericColumns = new Map(
      m3Tables
        .OCUSMA!.columns.filter((column) => column.type === 'N' && column.length <= 15)
        .map((column) => [column.name, true]),
    );
    for (const record of records) {
      const index = truth.datasets.customers.indexOf(record.key);
      expect(index, record.key).toBeDefined();
      const [row] = m3Tables.OCUSMA!.rows(truth, index!, env);
      const expected = Object.fromEntries(
        Object.entries(row!).map(([column, value]) => {
          const text = value.trim();
          if (/(DT|DAT)$/.test(column) && /^\d{8}$/.test(text))
            return [column, `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`];
          if (column === 'LMTS') return [column, new Date(Number(text)).toISOString()];
          // N columns up to 15 digits are numbers (EXPORTMI/LstFields FLTY/FLLE), as the schema says.
          const type = numericColumns.get(column);
          if (type) return [column, text === '' ? null : Number(text)];
          return [column, text];
        }),
      );
      expect(record.data).toEqual(expected);
      expect(record.stamp).toBe(new Date(Number(row!.LMTS)).toISOString());
    }
    const byKey = new Map(records.map((record) => [record.key, record.data]));
    expect(byKey.get('C0000003')?.CUNM).toBe('Alder; Sons Ltd');
    expect(byKey.get('C0000005')?.MAIL).toBe('user1@example.com; user2@example.com');
    expect(Object.keys(byKey.get('C0000001') ?? {}).length).toBeGreaterThanOrEqual(150);
    // Explicit column lists only, never `*`, never `order by`, each call within the company chosen by default.
    for (const call of exportQueries()) {
      expect(call.query).not.toMatch(/^\s*\*/);
      expect(call.query).not.toMatch(/order by/i);
    }
  });

  it('reads invoices by their whole key (DIVI/YEA4/JRNO/JSNO) although CINO repeats, and GL accounts of both AITP', async () => {
    const invoices = (await readAll(connector(), 'invoices', { pageSize: 7 })).records;
    expect(invoices).toHaveLength(counts.invoices);
    expect(new Set(invoices.map((record) => record.key)).size).toBe(counts.invoices);
    expect(new Set(invoices.map((record) => record.data.CINO)).size).toBeLessThan(counts.invoices);
    const accounts = (await readAll(connector(), 'glAccounts', { pageSize: 5 })).records;
    expect(accounts).toHaveLength(counts.glAccounts);
    expect(new Set(accounts.map((record) => record.data.AITP))).toEqual(new Set([1, 2]));
    expect(new Set(accounts.map((record) => record.data.AITM)).size).toBe(counts.glAccounts / 2);
  });

  it('reads orders with their lines, keyed by order, line and suffix', async () => {
    const orders = (await readAll(connector(), 'salesOrders', { pageSize: 6 })).records;
    expect(orders).toHaveLength(counts.salesOrders);
    const truth = new InforData(seed, counts);
    for (const order of orders) {
      const lines = order.data.lines as Array<Record<string, number>>;
      // PONR is N3: a number in the record, as in the lines' schema.
      expect(lines.map((line) => line.PONR)).toEqual(
        truth.salesOrder(truth.datasets.salesOrders.indexOf(order.key)!).lines.map((line) => line.line),
      );
    }
  });

  it('sends the company and division from the settings on every M3 call', async () => {
    sandbox.control.clearRequests();
    const { records } = await readAll(connector({ m3Company: 200, m3Division: 'BBB' }), 'customers');
    expect(records).toHaveLength(25);
    const calls = sandbox.control.requests().filter((call) => call.path.includes('/M3/'));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.path).toContain(';cono=200;divi=BBB');
  });

  it("refuses another company's rows when the tenant ignores ;cono= for EXPORTMI", async () => {
    sandbox.control.setBehaviour({ m3HonourCono: false });
    try {
      const error = await readAll(connector({ m3Company: 200 }), 'customers').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect((error as AppError).message).toMatch(/rows of company 100, not 200: .*only in the user's default company/);
      // The company the tenant reads anyway is accepted, and CONO is not added to what the read returns.
      const { records } = await readAll(
        connector({ m3Company: 100, entitySources: JSON.stringify({ customers: { columns: ['OKCUNM'] } }) }),
        'customers',
      );
      expect(records).toHaveLength(counts.customers);
      expect(Object.keys(records[0]!.data).sort()).toEqual(['CUNM', 'CUNO', 'LMDT', 'LMTS']);
      const schema = await connector({
        entitySources: JSON.stringify({ customers: { columns: ['OKCUNM'] } }),
      }).schema('customers');
      expect(schema.fields.map((field) => field.name).sort()).toEqual(['CUNM', 'CUNO', 'LMDT', 'LMTS']);
    } finally {
      sandbox.control.setBehaviour({ m3HonourCono: true });
    }
  });

  it('engages incremental sync on LMTS in the form the data shows (13-digit epoch ms on a stock tenant)', async () => {
    const made = connector();
    const since = new Date(Date.now() - 60_000).toISOString();
    const changed = sandbox.control.modify('customers', 3, new Date());
    sandbox.control.clearRequests();
    const { records, warnings } = await readAll(made, 'customers', { since });
    expect(records.map((record) => record.key).sort()).toEqual([...changed].sort());
    expect(warnings).toEqual([]);
    expect(exportQueries().some((call) => call.query.includes(`OKLMTS >= ${Date.parse(since)}`))).toBe(true);
  });

  it('falls back to LMDT with a look-back, and says so, when LMTS is in no known form', async () => {
    sandbox.control.setBehaviour({ m3StampForm: 'garbage' });
    try {
      const since = new Date(Date.now() - 60_000).toISOString();
      const changed = sandbox.control.modify('suppliers', 2, new Date());
      sandbox.control.clearRequests();
      const { records, warnings } = await readAll(connector({ m3LookbackDays: 1 }), 'suppliers', { since });
      expect(records.map((record) => record.key)).toEqual(expect.arrayContaining(changed));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/IDLMDT.*1-day look-back/);
      expect(exportQueries().some((call) => /IDLMDT >= \d{8}/.test(call.query))).toBe(true);
    } finally {
      sandbox.control.setBehaviour({ m3StampForm: 'epochMillis' });
    }
  });

  it('reads the same set whether `order by` is ignored, refused or honoured (it never sends one)', async () => {
    const keys: string[][] = [];
    for (const mode of ['ignored', 'refused', 'honoured'] as const) {
      sandbox.control.setBehaviour({ m3ExportOrderBy: mode });
      keys.push((await readAll(connector(), 'invoices', { pageSize: 9 })).records.map((record) => record.key).sort());
    }
    sandbox.control.setBehaviour({ m3ExportOrderBy: 'ignored' });
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[2]).toEqual(keys[0]);
  });

  it('fails naming the record when the only separator allowed occurs inside a value', async () => {
    const error = await readAll(connector({ m3Separator: ';' }), 'customers').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('E_INFOR_M3_AMBIGUOUS_ROW');
    expect((error as AppError).message).toMatch(/OCUSMA record C000000[35]/);
  });

  it('reads customers through the documented list CRS610MI/LstByNumber when asked, LMTS as its native changed-since input', async () => {
    const made = connector({ entitySources: JSON.stringify({ customers: { mode: 'list' } }) });
    sandbox.control.clearRequests();
    const { records } = await readAll(made, 'customers', { pageSize: 50 });
    expect(records).toHaveLength(counts.customers);
    expect(new Set(records.map((record) => record.key)).size).toBe(counts.customers);
    // The transaction's 79 outputs (MI catalogue), values whole, stamps from the narrow EXPORTMI window.
    for (const record of records) {
      expect(Object.keys(record.data)).toHaveLength(79);
      expect(record.stamp).toMatch(/^20\d\d-/);
    }
    expect(records.find((record) => record.key === 'C0000003')?.data.CUNM).toBe('Alder; Sons Ltd');
    const lists = sandbox.control.requests().filter((call) => call.path.includes('/CRS610MI/LstByNumber'));
    expect(lists).toHaveLength(Math.ceil((counts.customers + 1) / 50));
    const schema = await made.schema('customers');
    expect(schema.fields.map((field) => field.name).sort()).toEqual(Object.keys(records[0]!.data).sort());

    const at = new Date(Date.now() + 86_400_000);
    const changed = sandbox.control.modify('customers', 2, at);
    sandbox.control.clearRequests();
    const since = new Date(at.getTime() - 1000).toISOString();
    const delta = await readAll(made, 'customers', { since, pageSize: 50 });
    expect(delta.records.map((record) => record.key).sort()).toEqual([...changed].sort());
    expect(delta.records.every((record) => record.stamp === at.toISOString())).toBe(true);
    expect(delta.warnings).toEqual([]);
    const call = sandbox.control.requests().find((request) => request.path.includes('/CRS610MI/LstByNumber'));
    // A second early: whether the input means >= or > is unconfirmed; the EXPORTMI stamp window decides.
    expect(call?.query.LMTS).toBe(String(Date.parse(since) - 1000));
  });

  it('list mode checks the company of every listed record and of the EXPORTMI stamps (API-FACTS §10)', async () => {
    const list = JSON.stringify({ customers: { mode: 'list' } });
    // Both honour ;cono=: company 200's customers, stamped, without a CONO the read did not ask for.
    const chosen = await readAll(
      connector({ m3Company: 200, entitySources: JSON.stringify({ customers: { mode: 'list' } }) }),
      'customers',
      { fields: ['CUNM'] },
    );
    expect(chosen.records).toHaveLength(25);
    expect(chosen.records.every((record) => record.stamp && !('CONO' in record.data))).toBe(true);
    const refusal = async (behaviour: Record<string, boolean>) => {
      sandbox.control.setBehaviour(behaviour);
      try {
        return await readAll(connector({ m3Company: 200, entitySources: list }), 'customers').then(
          () => undefined,
          (caught: unknown) => caught as AppError,
        );
      } finally {
        sandbox.control.setBehaviour({ m3HonourCono: true, m3ExportHonoursCono: true });
      }
    };
    // EXPORTMI alone reads the default company: its key ranges would come back empty, so one row is checked first.
    const stamps = await refusal({ m3ExportHonoursCono: false });
    expect(stamps?.message).toMatch(/EXPORTMI returned OCUSMA rows of company 100, not 200/);
    // Nothing honours ;cono=: the listed records themselves are of the wrong company (said first).
    const listed = await refusal({ m3HonourCono: false });
    expect(listed?.message).toMatch(/CRS610MI\/LstByNumber listed customers C\d+ of company 100, not 200/);
  });

  it('list mode reads the same records whatever the tenant does with the start key and the LMTS input', async () => {
    const made = connector({ entitySources: JSON.stringify({ suppliers: { mode: 'list' } }) });
    const at = new Date(Date.now() + 2 * 86_400_000);
    const changed = sandbox.control.modify('suppliers', 3, at);
    const since = at.toISOString();
    try {
      for (const m3ListStart of ['inclusive', 'exclusive'] as const) {
        for (const m3LmtsInput of ['gte', 'gt', 'ignored'] as const) {
          sandbox.control.setBehaviour({ m3ListStart, m3LmtsInput });
          const all = await readAll(made, 'suppliers', { pageSize: 7 });
          expect(new Set(all.records.map((record) => record.key)).size).toBe(counts.suppliers);
          expect(all.records).toHaveLength(counts.suppliers);
          const delta = await readAll(made, 'suppliers', { since, pageSize: 7 });
          expect([m3ListStart, m3LmtsInput, delta.records.map((record) => record.key).sort()]).toEqual([
            m3ListStart,
            m3LmtsInput,
            [...changed].sort(),
          ]);
          expect(delta.warnings.length).toBe(m3LmtsInput === 'ignored' ? 1 : 0);
        }
      }
    } finally {
      sandbox.control.setBehaviour({ m3ListStart: 'inclusive', m3LmtsInput: 'gte' });
    }
  });

  it('describes exactly the columns the read returns', async () => {
    const made = connector();
    const schema = await made.schema('customers');
    const { records } = await readAll(made, 'customers', { pageSize: 50 });
    expect(schema.fields.map((field) => field.name).sort()).toEqual(Object.keys(records[0]!.data).sort());
    expect(schema.fields.find((field) => field.name === 'CRL2')).toMatchObject({ type: 'number' });
    expect(schema.fields.find((field) => field.name === 'MAIL')).toMatchObject({ maxLength: 50 });
    // Every value has the type the schema gives it: N columns arrive as numbers, not the text EXPORTMI sends.
    const record = records[0]!.data;
    for (const schemaField of schema.fields) {
      const value = record[schemaField.name];
      if (value === null || value === undefined) continue;
      expect([schemaField.name, typeof value]).toEqual([
        schemaField.name,
        schemaField.type === 'number' ? 'number' : 'string',
      ]);
    }
    expect(record.CRL2).toEqual(expect.any(Number));
    // Labels are M3's own descriptions (EXPORTMI/LstFields FLDS), which auto-map reads.
    const tepy = schema.fields.find((field) => field.name === 'TEPY');
    expect(tepy?.label).not.toBe('TEPY');
    expect(tepy?.label.toLowerCase()).toContain('payment');
  });

  it('reads only the hinted fields: list outputs by returncols, table columns by the EXPORTMI column list', async () => {
    const made = connector({ entitySources: JSON.stringify({ customers: { mode: 'list' } }) });
    sandbox.control.clearRequests();
    const listed = await readAll(made, 'customers', { pageSize: 50, fields: ['PHNO', 'CUNM'] });
    expect(listed.records).toHaveLength(counts.customers);
    for (const record of listed.records) {
      expect(Object.keys(record.data).sort()).toEqual(['CUNM', 'CUNO', 'PHNO']);
      expect(record.fields).toEqual(['CUNM', 'CUNO', 'PHNO']);
    }
    const lists = sandbox.control.requests().filter((call) => call.path.includes('/CRS610MI/LstByNumber'));
    // API-FACTS §1.4: returncols is the last matrix parameter.
    expect(lists.every((call) => call.path.endsWith(';returncols=CUNO,PHNO,CUNM'))).toBe(true);

    const table = connector();
    sandbox.control.clearRequests();
    const read = await readAll(table, 'customers', { pageSize: 50, fields: ['PHNO', 'CUNM'] });
    expect(read.records).toHaveLength(counts.customers);
    expect(Object.keys(read.records[0]!.data).sort()).toEqual(['CUNM', 'CUNO', 'LMDT', 'LMTS', 'PHNO']);
    const selects = sandbox.control.requests().filter((call) => call.path.includes('/EXPORTMI/Select'));
    // Key, stamp, change date and the two fields fit one line: one Select a window, never a column chunk.
    expect(new Set(selects.map((call) => /^(.*) from OCUSMA/.exec(call.query.QERY ?? '')?.[1]))).toEqual(
      new Set(['OKCUNO,OKLMTS,OKLMDT,OKCUNM,OKPHNO']),
    );
  });
});

describe('Infor M3 reads under a silent maxrecs cap', () => {
  let sandbox: InforSandbox;
  beforeAll(async () => {
    sandbox = await startInforSandbox({ seed, counts: { ...counts, suppliers: 12_000 } });
  });
  afterAll(async () => sandbox.close());

  it('never asks for more rows than a capped tenant returns, so a capped answer is never taken as the end', async () => {
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    const made = new InforConnector({
      connection: { id: 'm3-cap', settings: { ...ionApiSettings(parsed), productLine: 'm3' }, sandbox: true },
      secrets: ionApiSecrets(parsed),
    });
    try {
      const keys = new Set<string>();
      for await (const page of made.read('suppliers', { pageSize: 10_000 }))
        for (const record of page.records) keys.add(record.key);
      expect(keys.size).toBe(12_000);
      const asked = sandbox.control
        .requests()
        .map((call) => /;maxrecs=(\d+)/.exec(call.path)?.[1])
        .filter((value): value is string => value !== undefined)
        .map(Number);
      expect(Math.max(...asked)).toBeLessThanOrEqual(10_000);
    } finally {
      await made.close();
    }
  }, 60_000);
});
