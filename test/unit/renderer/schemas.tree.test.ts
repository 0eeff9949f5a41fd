import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionId } from '../../../shared/domain/connection';
import { field, type EntityField } from '../../../shared/domain/entity-schema';
import {
  buildRows,
  countFields,
  expandablePaths,
  matchKeyCandidates,
} from '../../../renderer/src/features/schemas/schema-tree';
import { createSchemasStore, schemaKey } from '../../../renderer/src/features/schemas/schemas.store';
import { rendererWorld, systemOf, type RendererWorld } from './support/sandbox-backend';

describe('schema tree rows', () => {
  // Thousands of fields, some nested two levels deep (an order with lines with a discount group).
  const wide: EntityField[] = Array.from({ length: 3000 }, (_, index) =>
    field(`F${String(index).padStart(4, '0')}`, 'string', { label: `Field ${index}` }),
  );
  wide.push(
    field('Lines', 'array', {
      children: [
        field('ITNO', 'string', { label: 'Item number' }),
        field('Discount', 'object', { children: [field('PercentOff', 'number', { label: 'Rebate percent' })] }),
      ],
    }),
  );

  it('shows top-level rows until a parent is opened', () => {
    expect(countFields(wide)).toBe(3004);
    expect(buildRows(wide, { expanded: new Set() }).rows).toHaveLength(3001);
    const open = buildRows(wide, { expanded: new Set(['Lines']) }).rows;
    expect(open.map((row) => row.id).slice(-2)).toEqual(['Lines.ITNO', 'Lines.Discount']);
    expect(expandablePaths(wide)).toEqual(['Lines', 'Lines.Discount']);
  });

  it('finds a deep field by its label and opens its ancestors', () => {
    const { rows, matches } = buildRows(wide, { expanded: new Set(), query: 'rebate' });
    expect(matches).toBe(1);
    expect(rows.map((row) => [row.id, row.kind === 'field' && row.match])).toEqual([
      ['Lines', false],
      ['Lines.Discount', false],
      ['Lines.Discount.PercentOff', true],
    ]);
  });

  it('inserts picklist values under a field when opened', () => {
    const fields = [field('Status', 'picklist', { picklist: [{ value: 'A', label: 'Active', active: true }] })];
    const rows = buildRows(fields, { expanded: new Set(), openPicklists: new Set(['Status']) }).rows;
    expect(rows.map((row) => row.kind)).toEqual(['field', 'values']);
  });
});

describe('schemas store with live sandbox metadata', () => {
  let world: RendererWorld;
  let zoho: ConnectionId;
  let infor: ConnectionId;
  beforeAll(async () => {
    world = rendererWorld();
    const workspace = await world.api.call('sandbox.openWorkspace', {});
    zoho = systemOf(workspace, 'zoho').connection.id;
    infor = systemOf(workspace, 'infor').connection.id;
  });
  afterAll(async () => {
    await world?.close();
  });

  it('lists entities, reads schemas once and refreshes on demand', async () => {
    const store = createSchemasStore(world.api);
    const entities = await store.getState().loadEntities(infor);
    expect(entities?.map((entity) => entity.id)).toContain('customers');
    const [first, second] = await Promise.all([
      store.getState().loadSchema(infor, 'customers'),
      store.getState().loadSchema(infor, 'customers'),
    ]);
    expect(first).toBe(second);
    expect(first?.keyFields).toEqual(['CUNO']);
    const refreshed = await store.getState().loadSchema(infor, 'customers', { refresh: true });
    expect(refreshed!.fetchedAt >= first!.fetchedAt).toBe(true);
    expect(store.getState().schemas[schemaKey(infor, 'customers')]?.state).toBe('ready');
  });

  it('offers the external id as the match key of Zoho accounts, and nested order lines as a tree', async () => {
    const store = createSchemasStore(world.api);
    const accounts = await store.getState().loadSchema(zoho, 'Accounts');
    expect(matchKeyCandidates(accounts!).map((candidate) => candidate.name)[0]).toBe('Infor_Customer_No');
    const orders = await store.getState().loadSchema(zoho, 'Sales_Orders');
    const nested = orders!.fields.find((candidate) => (candidate.children?.length ?? 0) > 0);
    expect(nested).toBeDefined();
    const child = nested!.children![0]!;
    const { rows } = buildRows(orders!.fields, { expanded: new Set(), query: child.name });
    expect(rows.some((row) => row.id === `${nested!.name}.${child.name}`)).toBe(true);
  });

  it('adds a picked Infor entity: the entity list becomes the backend’s, and a refusal is a value', async () => {
    const store = createSchemasStore(world.api);
    await store.getState().loadEntities(infor);
    const added = await store.getState().addEntity(infor, 'm3-table', 'CIDMAS');
    expect(added).toEqual({ ok: true, id: 'm3.CIDMAS' });
    expect(store.getState().entities[infor]).toMatchObject({ state: 'ready' });
    const listed = store.getState().entities[infor]?.value?.map((entity) => entity.id);
    expect(listed).toContain('m3.CIDMAS');
    expect(listed).toContain('customers');
    const refused = await store.getState().addEntity(infor, 'm3-table', 'NOSUCH');
    expect(refused).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
  });

  it('keeps the error of an unknown entity as a value', async () => {
    const store = createSchemasStore(world.api);
    expect(await store.getState().loadSchema(zoho, 'No_Such_Module')).toBeUndefined();
    const entry = store.getState().schemas[schemaKey(zoho, 'No_Such_Module')];
    expect(entry?.state).toBe('error');
    if (entry?.state === 'error') expect(entry.error.code).toMatch(/^E_/);
  });
});
