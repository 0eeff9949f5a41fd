import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../electron/backend/backend';
import type { SourceRecord } from '../../electron/backend/connectors/framework/connector';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { testBackend } from '../support/backend';

/**
 * Issue 14: the analyst browses what the tenant exposes (M3 tables and MI lists, CSI IDOs, LN entity
 * sets, FSM classes), adds any of them as an entity, and reads and maps it like the six built-ins.
 * Everything runs against the Infor simulator over HTTP, through the backend's API.
 */
const counts = { customers: 40, suppliers: 12, salesOrders: 8, purchaseOrders: 6, invoices: 30, glAccounts: 10 };
type Line = 'm3' | 'csi' | 'ln' | 'fsm';

interface Entry {
  id: string;
  name: string;
  kind: string;
}
interface EntityInfo {
  id: string;
  label: string;
  keyFields: string[];
  readable: boolean;
  writable: boolean;
  incremental: boolean;
}

describe('Infor catalogue: browse and pick any object as an entity', () => {
  let sandbox: InforSandbox;
  let backend: Backend;
  let dispose: () => Promise<void>;
  const ids: Partial<Record<Line, string>> = {};
  const open: InforConnector[] = [];

  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts });
    ({ backend, dispose } = testBackend());
    for (const line of ['m3', 'csi', 'ln', 'fsm'] as const) {
      const imported = await backend.invoke('connections.importIonapi', {
        fileName: `${line}.ionapi`,
        content: JSON.stringify(sandbox.ionapi()),
        productLine: line,
      });
      if (!imported.ok) throw new Error(JSON.stringify(imported));
      const id = (imported.value as { id: string }).id;
      if (line === 'csi')
        await backend.invoke('connections.update', { id, settings: { mongooseConfig: `${sandbox.tenant}_DALS` } });
      ids[line] = id;
    }
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await dispose();
    await sandbox.close();
  });

  async function catalog(line: Line, search: string, kind?: string) {
    const answer = await backend.invoke('schemas.catalog', { connectionId: ids[line]!, search, kind });
    if (!answer.ok) throw new Error(JSON.stringify(answer));
    return answer.value as { entries: Entry[]; complete: boolean };
  }

  async function add(line: Line, kind: string, name: string, keys?: string[], table?: string) {
    const answer = await backend.invoke('schemas.addEntity', { connectionId: ids[line]!, kind, name, keys, table });
    if (!answer.ok) throw new Error(JSON.stringify(answer));
    return answer.value as { entity: EntityInfo; entities: EntityInfo[] };
  }

  /** Every record of an entity, and its schema, through the backend (the same path a flow takes). */
  async function readAndSchema(line: Line, entity: string) {
    const schema = await backend.invoke('schemas.get', { connectionId: ids[line]!, entity });
    if (!schema.ok) throw new Error(JSON.stringify(schema));
    const connection = backend.context.connections.get(ids[line]!)!;
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    const connector = new InforConnector({
      connection: { id: `catalog-${Math.random()}`, settings: connection.settings, sandbox: true },
      secrets: ionApiSecrets(parsed),
    });
    open.push(connector);
    const records: SourceRecord[] = [];
    for await (const page of connector.read(entity, { pageSize: 50 })) records.push(...page.records);
    return { schema: schema.value as { fields: Array<{ name: string }>; keyFields: string[] }, records };
  }

  const sorted = (entries: Entry[]) =>
    entries.map((entry) => entry.id).every((id, i, all) => i === 0 || all[i - 1]! < id);

  it('M3: MI list transactions by program search, sorted; a typed table is verified with its primary key', async () => {
    const lists = await catalog('m3', 'CRS610MI', 'm3-list');
    expect(lists.complete).toBe(true);
    expect(lists.entries.map((entry) => entry.id)).toContain('m3.CRS610MI.LstByNumber');
    expect(
      lists.entries.every((entry) => entry.kind === 'm3-list' && entry.name.split('/')[1]!.startsWith('Lst')),
    ).toBe(true);
    expect(sorted(lists.entries)).toBe(true);
    const narrowed = await catalog('m3', 'CRS610MI.LstByN', 'm3-list');
    expect(narrowed.entries.map((entry) => entry.id)).toEqual(['m3.CRS610MI.LstByName', 'm3.CRS610MI.LstByNumber']);

    const table = await catalog('m3', 'ooline');
    const entry = table.entries.find((candidate) => candidate.kind === 'm3-table') as Entry & { source: unknown };
    expect(entry).toMatchObject({
      id: 'm3.OOLINE',
      source: { table: 'OOLINE', keys: ['OBORNO', 'OBPONR', 'OBPOSX'], stamp: 'OBLMTS', changeDate: 'OBLMDT' },
    });
  });

  it('M3: an unknown table is an error naming it', async () => {
    const answer = await backend.invoke('schemas.catalog', {
      connectionId: ids.m3!,
      search: 'NOSUCH',
      kind: 'm3-table',
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(JSON.stringify(answer)).toContain('NOSUCH');
    const adding = await backend.invoke('schemas.addEntity', {
      connectionId: ids.m3!,
      kind: 'm3-table',
      name: 'NOSUCH',
    });
    expect(adding).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('CSI: the IDO list from the metadata IDO, filtered and sorted; an unknown IDO is an error naming it', async () => {
    const all = await catalog('csi', '');
    expect(all.entries.map((entry) => entry.id)).toEqual(
      ['SLChartAccts', 'SLCoitems', 'SLCos', 'SLCustomers', 'SLInvHdrs', 'SLPoItems', 'SLPos', 'SLVendors'].map(
        (name) => `csi.${name}`,
      ),
    );
    expect((await catalog('csi', 'items')).entries.map((entry) => entry.id)).toEqual([
      'csi.SLCoitems',
      'csi.SLPoItems',
    ]);
    const unknown = await backend.invoke('schemas.addEntity', {
      connectionId: ids.csi!,
      kind: 'csi-ido',
      name: 'SLNope',
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(JSON.stringify(unknown)).toContain('SLNope');
  });

  it('LN: entity sets of the known services and of a typed one; an unknown set is an error naming it', async () => {
    const sets = await catalog('ln', 'Lines');
    expect(sets.entries.map((entry) => entry.id)).toEqual([
      'ln.tdapi.purPurchaseOrder.Lines',
      'ln.tdapi.slsSalesOrder.Lines',
    ]);
    const typed = await catalog('ln', 'tcapi.comBusinessPartner');
    expect(typed.entries.map((entry) => entry.name)).toEqual([
      'tcapi.comBusinessPartner/BusinessPartners',
      'tcapi.comBusinessPartner/BuyfromBusinessPartners',
    ]);
    const unknown = await backend.invoke('schemas.addEntity', {
      connectionId: ids.ln!,
      kind: 'ln-set',
      name: 'tdapi.slsSalesOrder/Nope',
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    expect(JSON.stringify(unknown)).toContain('Nope');
  });

  it('FSM: classes from the class list, or a typed class verified by a one-record list when the tenant lists none', async () => {
    const listed = await catalog('fsm', 'invoice');
    expect(listed.entries.map((entry) => entry.id)).toEqual(['fsm.ReceivableInvoice']);
    sandbox.control.setLinesBehaviour({ fsmClassList: false });
    try {
      expect(await catalog('fsm', 'invoice')).toEqual({ entries: [], complete: false });
      expect((await catalog('fsm', 'PurchaseOrder')).entries.map((entry) => entry.id)).toEqual(['fsm.PurchaseOrder']);
      const unknown = await backend.invoke('schemas.catalog', {
        connectionId: ids.fsm!,
        search: 'Nope',
        kind: 'fsm-class',
      });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
      expect(JSON.stringify(unknown)).toContain('Nope');
    } finally {
      sandbox.control.setLinesBehaviour({ fsmClassList: true });
    }
  });

  it('M3: a list transaction needs the table it lists, and must page by that table’s key', async () => {
    const bare = await backend.invoke('schemas.addEntity', {
      connectionId: ids.m3!,
      kind: 'm3-list',
      name: 'CRS620MI/LstSuppliers',
    });
    expect(bare).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    expect(JSON.stringify(bare)).toContain('name the table it lists');
    const byName = await backend.invoke('schemas.addEntity', {
      connectionId: ids.m3!,
      kind: 'm3-list',
      name: 'CRS610MI/LstByName',
      table: 'OCUSMA',
    });
    expect(byName).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    expect(JSON.stringify(byName)).toContain('cannot be paged by CUNO');
  });

  it('FSM: a class’s key is named by the person or is the class’s own field with its group, and must be unique', async () => {
    const addFsm = (keys?: string[]) =>
      backend.invoke('schemas.addEntity', {
        connectionId: ids.fsm!,
        kind: 'fsm-class',
        name: 'ReceivableInvoice',
        keys,
      });
    const unnamed = await addFsm();
    expect(unnamed).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    expect(JSON.stringify(unnamed)).toContain('name its key fields (sampled fields: Company, Invoice');
    const shared = await addFsm(['Company']);
    expect(JSON.stringify(shared)).toContain('Company does not identify one record each');
    const unknown = await addFsm(['Nope']);
    expect(JSON.stringify(unknown)).toContain('has no field Nope');
    // Vendor: VendorGroup + Vendor, the whole key (API-FACTS §10), without being named.
    const vendor = await add('fsm', 'fsm-class', 'Vendor');
    expect(vendor.entity).toMatchObject({ id: 'fsm.Vendor', keyFields: ['VendorGroup', 'Vendor'], incremental: true });
  });

  const picks: Array<{
    line: Line;
    kind: string;
    name: string;
    id: string;
    keys?: string[];
    table?: string;
    count: number;
  }> = [
    { line: 'm3', kind: 'm3-table', name: 'OCUSMA', id: 'm3.OCUSMA', count: counts.customers },
    {
      line: 'm3',
      kind: 'm3-list',
      name: 'CRS620MI/LstSuppliers',
      table: 'CIDMAS',
      id: 'm3.CRS620MI.LstSuppliers',
      count: counts.suppliers,
    },
    { line: 'm3', kind: 'm3-table', name: 'OOLINE', id: 'm3.OOLINE', count: -1 },
    { line: 'csi', kind: 'csi-ido', name: 'SLCoitems', id: 'csi.SLCoitems', count: -1 },
    { line: 'ln', kind: 'ln-set', name: 'tdapi.slsSalesOrder/Lines', id: 'ln.tdapi.slsSalesOrder.Lines', count: -1 },
    {
      line: 'fsm',
      kind: 'fsm-class',
      name: 'ReceivableInvoice',
      id: 'fsm.ReceivableInvoice',
      keys: ['Company', 'Invoice'],
      count: counts.invoices,
    },
  ];

  it.each(picks)('adds $id, reads it (unique keys) and its schema is exactly what the read returns', async (pick) => {
    const added = await add(pick.line, pick.kind, pick.name, pick.keys, pick.table);
    expect(added.entity).toMatchObject({ id: pick.id, readable: true, writable: false });
    expect(added.entities.map((entity) => entity.id)).toContain('customers');
    expect(added.entities.filter((entity) => entity.id === pick.id)).toHaveLength(1);
    const { schema, records } = await readAndSchema(pick.line, pick.id);
    expect(records.length).toBeGreaterThan(0);
    if (pick.count >= 0) expect(records).toHaveLength(pick.count);
    expect(new Set(records.map((record) => record.key)).size).toBe(records.length);
    const read = new Set(records.flatMap((record) => Object.keys(record.data)));
    expect(schema.fields.map((field) => field.name).sort()).toEqual([...read].sort());
    // The mapping preview reads it through the backend like any built-in entity.
    const samples = await backend.invoke('samples.fetch', { connectionId: ids[pick.line]!, entity: pick.id, limit: 5 });
    expect(samples).toMatchObject({ ok: true });
    expect(samples.ok && (samples.value as { records: unknown[] }).records).toHaveLength(Math.min(5, records.length));
  });

  it('built-in entities of every product line: the schema is exactly what the read returns', async () => {
    for (const line of ['m3', 'csi', 'ln', 'fsm'] as const) {
      const listed = await backend.invoke('schemas.entities', { connectionId: ids[line]! });
      if (!listed.ok) throw new Error(JSON.stringify(listed));
      for (const entity of listed.value as EntityInfo[]) {
        if (entity.id.includes('.')) continue;
        const { schema, records } = await readAndSchema(line, entity.id);
        const read = new Set(records.flatMap((record) => Object.keys(record.data)));
        expect(schema.fields.map((field) => field.name).sort(), `${line} ${entity.id}`).toEqual([...read].sort());
      }
    }
  });
});
