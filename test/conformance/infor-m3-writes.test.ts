import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import type { SourceRecord } from '../../electron/backend/connectors/framework/connector';
import { inforSettingsSchema } from '../../shared/connectors/infor.settings';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';

/**
 * Infor M3 as a target (issue 16): customers and suppliers are upserted by key over HTTP against
 * the strict simulator — looked up first, then added or changed with only the mapped fields — and
 * what was written reads back through the normal M3 read with a newer stamp.
 */
describe('Infor M3 writes customers and suppliers', () => {
  let sandbox: InforSandbox;
  const open: InforConnector[] = [];
  beforeAll(async () => {
    sandbox = await startInforSandbox({ seed: 21, counts: { customers: 60, suppliers: 12 } });
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
  });

  function connector(extra: Record<string, string | number> = {}) {
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    const made = new InforConnector({
      connection: {
        id: `m3-writes-${Math.random()}`,
        settings: { ...ionApiSettings(parsed), productLine: 'm3', m3Company: '100', ...extra },
        sandbox: true,
      },
      secrets: ionApiSecrets(parsed),
    });
    open.push(made);
    return made;
  }

  async function readAll(made: InforConnector, entity: string, since?: string) {
    const records: SourceRecord[] = [];
    for await (const page of made.read(entity, { pageSize: 50, since })) records.push(...page.records);
    return records;
  }

  const writeCalls = () =>
    sandbox.control
      .requests()
      .filter((call) =>
        /\/(CRS610MI|CRS620MI)\/(Add|ChgBasicData|AddSupplier|CopyTemplate|UpdSupplier)/.test(call.path),
      );

  it('declares customers and suppliers writable on M3, matched by CUNO / SUNO', async () => {
    const made = connector();
    const entities = made.descriptor.entities;
    // CRS610MI/Add's mandatory fields are required on create in the schema the engine checks payloads with.
    const schema = await made.schema('customers');
    const requiredOnCreate = schema.fields.filter((field) => field.required.onCreate).map((field) => field.name);
    expect(requiredOnCreate.sort()).toEqual(['CUA1', 'CUNM', 'CUNO']);
    expect(entities.customers?.write).toMatchObject({ mode: 'create+update', matchKeys: ['CUNO'] });
    expect(entities.suppliers?.write).toMatchObject({ mode: 'create+update', matchKeys: ['SUNO'] });
    expect(entities.salesOrders?.write).toEqual({ mode: 'read-only' });
    expect(
      inforSettingsSchema.safeParse({
        ...ionApiSettings(parseIonApi(JSON.stringify(sandbox.ionapi()))),
        m3CustomerTemplate: 'TMPLDOM',
      }).success,
    ).toBe(true);
  });

  it('creates, then updates (no duplicate); a too-long name fails that record naming CUNM; the rest is written', async () => {
    const made = connector({ m3CustomerTemplate: 'TMPLDOM' });
    const before = await readAll(made, 'customers');
    const since = new Date(Date.now() - 1000).toISOString();
    const first = await made.write(
      'customers',
      [
        { CUNO: 'W0000001', CUNM: 'Written First BV', CUA1: 'Dam 1', PHNO: '+31 20 1111' },
        { CUNO: 'W0000002', CUNM: 'x'.repeat(37), CUA1: 'Dam 2' },
        { CUNO: 'C0000007', CUNM: 'Existing Renamed Ltd' },
      ],
      { matchKey: ['CUNO'] },
    );
    expect(first.map((result) => result.outcome)).toEqual(['created', 'failed', 'updated']);
    expect(first[0]?.targetKey).toBe('W0000001');
    expect(first[1]?.error).toMatchObject({ code: 'E_INVALID_INPUT', field: 'CUNM' });
    expect(first[1]?.error?.message).toMatch(/CUNM.*36/);
    // The update sent only what the mapping set: the key and the name.
    const change = writeCalls().find((call) => call.path.includes('ChgBasicData'));
    expect(Object.keys(change?.query ?? {}).sort()).toEqual(['CUNM', 'CUNO']);
    // The company set on the card goes with every write and every lookup.
    const calls = sandbox.control.requests().filter((call) => call.path.includes('/M3/'));
    expect(calls.length).toBeGreaterThan(3);
    for (const call of calls) expect(call.path).toContain(';cono=100');

    const second = await made.write('customers', [{ CUNO: 'W0000001', CUNM: 'Written Second BV', CUA1: 'Dam 1' }], {
      matchKey: ['CUNO'],
    });
    expect(second.map((result) => result.outcome)).toEqual(['updated']);

    const after = await readAll(made, 'customers');
    expect(after).toHaveLength(before.length + 1);
    const written = after.find((record) => record.key === 'W0000001');
    expect(written?.data).toMatchObject({ CUNM: 'Written Second BV', CUA1: 'Dam 1', PHNO: '+31 20 1111', CUCD: 'EUR' });
    const renamed = after.find((record) => record.key === 'C0000007');
    const old = before.find((record) => record.key === 'C0000007');
    expect(renamed?.data.CUNM).toBe('Existing Renamed Ltd');
    expect(renamed?.data.PHNO).toBe(old?.data.PHNO);
    expect(Date.parse(String(renamed?.data.LMTS))).toBeGreaterThan(Date.parse(String(old?.data.LMTS)));
    // An incremental read from just before the writes returns exactly the written records.
    const changed = await readAll(made, 'customers', since);
    expect(changed.map((record) => record.key).sort()).toEqual(['C0000007', 'W0000001']);
    expect(after.some((record) => record.key === 'W0000002')).toBe(false);
  });

  it('fails a record as M3 refuses it (its own code and field), and without a template says which setting to set', async () => {
    const noTemplate = await connector().write('customers', [{ CUNO: 'W0000009', CUNM: 'No template', CUA1: 'x' }], {
      matchKey: ['CUNO'],
    });
    expect(noTemplate[0]).toMatchObject({ outcome: 'failed', error: { field: 'CUTM' } });
    expect(noTemplate[0]?.error?.message).toMatch(/m3CustomerTemplate/);

    const unknown = await connector({ m3CustomerTemplate: 'NOSUCH' }).write(
      'customers',
      [
        { CUNO: 'W0000010', CUNM: 'Unknown template', CUA1: 'x' },
        { CUNO: 'W0000011', CUNM: 'Missing address' },
        { CUNO: 'W0000012', CUNM: 'Bad type', CUA1: 'x', CUTP: 'X' },
      ],
      { matchKey: ['CUNO'] },
    );
    expect(unknown[0]).toMatchObject({ outcome: 'failed', error: { code: 'XRE0103', field: 'CUTM' } });
    expect(unknown[0]?.error?.message).toMatch(/M3 CRS610MI\/Add failed: Template NOSUCH does not exist/);
    expect(unknown[1]).toMatchObject({ outcome: 'failed', error: { code: 'E_INVALID_INPUT', field: 'CUA1' } });
    expect(unknown[2]).toMatchObject({ outcome: 'failed', error: { code: 'E_INVALID_INPUT', field: 'CUTP' } });

    const notInput = await connector().write('customers', [{ CUNO: 'C0000001', CUCD: 'SEK' }], {
      matchKey: ['CUNO'],
    });
    expect(notInput[0]).toMatchObject({ outcome: 'failed', error: { field: 'CUCD' } });
    await expect(connector().write('customers', [{ CUNM: 'x' }], { matchKey: ['CUNM'] })).rejects.toThrow(/CUNO only/);
  });

  it('checks kinds itself whatever the tenant checks (U17), and reports a code-less NOK by its type (U16)', async () => {
    sandbox.control.setBehaviour({ m3UnknownTemplate: 'textOnly', m3WriteKindCheck: 'accepted' });
    try {
      const calls = writeCalls().length;
      const [kind] = await connector().write('customers', [{ CUNO: 'C0000003', CUTP: 'X', CUNM: 'Kind' }], {
        matchKey: ['CUNO'],
      });
      expect(kind).toMatchObject({ outcome: 'failed', error: { code: 'E_INVALID_INPUT', field: 'CUTP' } });
      expect(writeCalls()).toHaveLength(calls);
      const [template] = await connector({ m3CustomerTemplate: 'NOSUCH' }).write(
        'customers',
        [{ CUNO: 'W0000020', CUNM: 'Unknown template', CUA1: 'x' }],
        { matchKey: ['CUNO'] },
      );
      expect(template).toMatchObject({ outcome: 'failed', error: { code: 'ServerReturnedNOK', field: 'CUTM' } });
      expect(template?.error?.message).toMatch(/Template NOSUCH does not exist/);
    } finally {
      sandbox.control.setBehaviour({ m3UnknownTemplate: 'xre0103', m3WriteKindCheck: 'nok' });
    }
  });

  it('an Add whose answer the gateway lost is retried, finds the record (XRE0104) and changes it: one record, no failure', async () => {
    sandbox.control.addFault({ pathRegex: '/CRS610MI/Add', times: 1, effect: { m3LostAnswer: 502 } });
    try {
      const before = sandbox.control.dataStats().customers.overlay;
      const [result] = await connector({ m3CustomerTemplate: 'TMPLDOM' }).write(
        'customers',
        [{ CUNO: 'W0000030', CUNM: 'Lost Answer BV', CUA1: 'Kade 3' }],
        { matchKey: ['CUNO'] },
      );
      expect(result).toMatchObject({ outcome: 'updated', targetKey: 'W0000030' });
      const adds = writeCalls().filter((call) => call.path.includes('/CRS610MI/Add') && call.query.CUNO === 'W0000030');
      expect(adds).toHaveLength(2);
      expect(sandbox.control.dataStats().customers.overlay).toBe(before + 1);
      const hits = await connector().lookup!('customers', 'CUNO', ['W0000030']);
      expect(hits.get('W0000030')?.data.CUNM).toBe('Lost Answer BV');
    } finally {
      sandbox.control.clearFaults();
    }
  });

  it('suppliers: copied from the supplier template then updated; without one, AddSupplier names a missing mandatory field', async () => {
    const made = connector({ m3SupplierTemplate: 'TMPLSUP' });
    const results = await made.write(
      'suppliers',
      [
        { SUNO: 'V0000001', SUNM: 'Copied Supplies BV', PHNO: '+31 10 222' },
        { SUNO: 'S0000002', SUNM: 'Existing Supplier Renamed' },
      ],
      { matchKey: ['SUNO'] },
    );
    expect(results.map((result) => result.outcome)).toEqual(['created', 'updated']);
    const copies = writeCalls().filter((call) => call.path.includes('CopyTemplate'));
    expect(copies.at(-1)?.query).toMatchObject({ STEM: 'TMPLSUP', SUNO: 'V0000001' });
    const suppliers = await readAll(made, 'suppliers');
    expect(suppliers.find((record) => record.key === 'V0000001')?.data).toMatchObject({
      SUNM: 'Copied Supplies BV',
      PHNO: '+31 10 222',
      CUCD: 'EUR',
    });
    expect(suppliers.find((record) => record.key === 'S0000002')?.data.SUNM).toBe('Existing Supplier Renamed');

    const plain = await connector().write('suppliers', [{ SUNO: 'V0000002', SUNM: 'No template' }], {
      matchKey: ['SUNO'],
    });
    expect(plain[0]).toMatchObject({ outcome: 'failed', error: { code: 'E_INVALID_INPUT', field: 'SUTY' } });
    expect(plain[0]?.error?.message).toMatch(/m3SupplierTemplate/);
  });

  it('lookup finds existing keys (one EXPORTMI call for many) and their data', async () => {
    const made = connector();
    const hits = await made.lookup!('customers', 'CUNO', ['C0000001', 'C0000002', 'NOPE0001']);
    expect([...hits.keys()].sort()).toEqual(['C0000001', 'C0000002']);
    expect(hits.get('C0000001')?.data.CUNO).toBe('C0000001');
  });

  it("lookup checks each row's company: a tenant whose EXPORTMI ignores ;cono= is refused, not believed", async () => {
    const other = connector({ m3Company: '200' });
    const keys = (await readAll(other, 'customers')).map((record) => record.key).slice(0, 2);
    const hits = await other.lookup!('customers', 'CUNO', keys);
    expect([...hits.keys()].sort()).toEqual([...keys].sort());
    // The default company's customers, answered for company 200: Add or change would be decided on them.
    sandbox.control.setBehaviour({ m3ExportHonoursCono: false });
    try {
      const error = await connector({ m3Company: '200' }).lookup!('customers', 'CUNO', ['C0000001', 'C0000002']).then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expect(error?.message).toMatch(/EXPORTMI returned the OCUSMA row of C000000[12] in company 100, not 200/);
    } finally {
      sandbox.control.setBehaviour({ m3ExportHonoursCono: true });
    }
  });

  it('lookup gives each hit the stamp the read gives the record (LMTS), and a newer one after a write', async () => {
    const made = connector();
    const read = await readAll(made, 'suppliers');
    const hits = await made.lookup!('suppliers', 'SUNO', ['S0000003', 'S0000004']);
    for (const key of ['S0000003', 'S0000004']) {
      const stamp = read.find((record) => record.key === key)?.stamp;
      expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(hits.get(key)?.stamp).toBe(stamp);
    }
    const written = await made.write('suppliers', [{ SUNO: 'S0000003', SUNM: 'Stamped Again BV' }], {
      matchKey: ['SUNO'],
    });
    expect(written[0]?.outcome).toBe('updated');
    const again = await made.lookup!('suppliers', 'SUNO', ['S0000003']);
    const reread = (await readAll(made, 'suppliers')).find((record) => record.key === 'S0000003');
    expect(again.get('S0000003')?.stamp).toBe(reread?.stamp);
    expect(Date.parse(again.get('S0000003')?.stamp ?? '')).toBeGreaterThan(
      Date.parse(hits.get('S0000003')?.stamp ?? ''),
    );
  });
});
