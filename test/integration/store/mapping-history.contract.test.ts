import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionId } from '../../../shared/domain/connection';
import type { MappingId } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import { compileGraph, type MappingGraph } from '../../../shared/mapping/index';
import type { AsyncStore } from '../../../electron/backend/store/async-store';
import type { FlowInput } from '../../../electron/backend/sync/flows.repository';
import { customerGraph } from '../../bundle/support/infor-to-zoho';
import { storeKinds } from './store-kinds';

/*
 * The async store contract for mapping History (issue 19's rename, duplicate, versions, diff, restore
 * and usage), against SQLite through the adapter and PostgreSQL: the same versions, diffs, names and
 * refusals on both. The SQLite repository's own behaviour is in test/unit/store/mapping-history.test.ts.
 */

const infor = 'c-infor-h' as ConnectionId;
const zoho = 'c-zoho-h' as ConnectionId;
const v1: MappingGraph = customerGraph();
/** The same mapping without its Phone line. */
const v2: MappingGraph = { ...v1, edges: v1.edges.filter((edge) => edge.targetHandle !== 'Phone') };

const design = (graph: MappingGraph) => ({
  name: 'Customers',
  sourceEntity: 'customers',
  targetEntity: 'Accounts',
  sourceConnectionId: infor,
  targetConnectionId: zoho,
  graph,
  expression: compileGraph(graph).expression,
});

const flow = (name: string, mappingId: MappingId): FlowInput => ({
  name,
  source: { connectionId: infor, entity: 'customers', lookbackSeconds: 60 },
  mappingId,
  target: { connectionId: zoho, entity: 'Accounts', matchKey: ['Account_Number'] },
  schedule: { kind: 'manual' },
  dependsOn: [],
  options: { dryRun: false },
  paused: false,
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe.each(storeKinds())('mapping History on the $kind store', (kind) => {
  let store: AsyncStore;
  beforeAll(() => kind.setUp(), 60_000);
  afterAll(() => kind.tearDown());
  afterEach(async () => {
    await store?.close();
  });
  const open = async () => (store = await kind.open());

  it('keeps a version per changed save, diffs versions semantically, and restores as a new version', async () => {
    await open();
    const { mappings } = store;
    const first = await mappings.save(design(v1));
    // Saving the same design again (or renaming) adds nothing to History.
    await mappings.save({ ...design(v1), id: first.id });
    const renamed = await mappings.rename(first.id, 'Customers → Accounts');
    expect(renamed).toMatchObject({ id: first.id, name: 'Customers → Accounts', hash: first.hash });
    expect(await mappings.get(first.id)).toEqual(renamed);
    expect(await mappings.versions(first.id)).toEqual([
      {
        version: 1,
        name: 'Customers',
        hash: first.hash,
        createdAt: first.updatedAt,
        restoredFrom: null,
        current: true,
      },
    ]);

    const second = await mappings.save({ ...design(v2), id: first.id, name: 'Customers → Accounts' });
    expect((await mappings.versions(first.id)).map((v) => [v.version, v.current, v.hash])).toEqual([
      [2, true, second.hash],
      [1, false, first.hash],
    ]);
    expect(await mappings.version(first.id, 1)).toEqual({
      version: 1,
      name: 'Customers',
      hash: first.hash,
      createdAt: first.updatedAt,
      restoredFrom: null,
      current: false,
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      graph: v1,
      expression: first.expression,
    });

    expect(await mappings.diff(first.id, 1)).toEqual({
      from: 1,
      to: 2,
      changes: [{ field: 'Phone', kind: 'removed', message: 'Phone: no longer mapped (was PHNO)', nodeIds: [] }],
    });
    expect((await mappings.diff(first.id, 2, 1)).changes).toMatchObject([
      { field: 'Phone', kind: 'added', message: 'Phone: now mapped from PHNO' },
    ]);

    const restored = await mappings.restore(first.id, 1);
    expect(restored).toMatchObject({
      id: first.id,
      name: 'Customers → Accounts',
      hash: first.hash,
      graph: v1,
      sourceConnectionId: infor,
      targetConnectionId: zoho,
    });
    expect(await mappings.get(first.id)).toEqual(restored);
    expect((await mappings.versions(first.id)).map((v) => [v.version, v.restoredFrom, v.current])).toEqual([
      [3, 1, true],
      [2, null, false],
      [1, null, false],
    ]);
    expect((await mappings.diff(first.id, 1)).changes).toEqual([]);

    // A design saved without a graph compares by its JSONata, and names the entities that changed.
    await mappings.save({ ...design(v1), id: first.id, graph: undefined, targetEntity: 'Contacts', expression: '{}' });
    expect((await mappings.diff(first.id, 3)).changes.map((change) => change.message)).toEqual([
      'Target entity changed from Accounts to Contacts',
      'The JSONata expression changed',
    ]);

    expect(await rejection(mappings.diff(first.id, 9))).toMatchObject({
      code: 'E_NOT_FOUND',
      message: `The mapping ${first.id} has no version 9.`,
    });
    expect(await rejection(mappings.versions('gone'))).toMatchObject({
      code: 'E_NOT_FOUND',
      message: 'No mapping with id gone.',
    });
    expect((await rejection(mappings.rename('gone', 'x'))).code).toBe('E_NOT_FOUND');
    expect((await rejection(mappings.restore(first.id, 0))).code).toBe('E_NOT_FOUND');
  });

  it('numbers concurrent saves of one mapping one after another, never twice', async () => {
    await open();
    const first = await store.mappings.save(design(v1));
    const names = ['A', 'B', 'C', 'D', 'E', 'F'];
    await Promise.all(
      names.map((name) => store.mappings.save({ ...design(v1), id: first.id, expression: `{ "${name}": 1 }` })),
    );
    const versions = await store.mappings.versions(first.id);
    expect(versions.map((v) => v.version)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(new Set(versions.slice(0, 6).map((v) => v.hash)).size).toBe(6);
    expect(versions.filter((v) => v.current)).toHaveLength(1);
  });

  it('duplicates under a free name with its own History, and refuses to delete a mapping flows use, naming them all', async () => {
    await open();
    const { mappings, flows } = store;
    const original = await mappings.save(design(v1));
    const latest = await mappings.save({ ...design(v2), id: original.id });
    const copy = await mappings.duplicate(original.id);
    const again = await mappings.duplicate(original.id);
    const named = await mappings.duplicate(original.id, 'Mine');
    expect([copy.name, again.name, named.name]).toEqual(['Customers (copy)', 'Customers (copy 2)', 'Mine']);
    expect(copy).toMatchObject({ graph: v2, hash: latest.hash, sourceConnectionId: infor, targetConnectionId: zoho });
    expect(copy.id).not.toBe(original.id);
    expect((await mappings.versions(copy.id)).map((v) => v.version)).toEqual([1]);

    const one = await flows.saveFlow(flow('Customers nightly', original.id));
    const two = await flows.saveFlow(flow('Customers on demand', original.id));
    expect(await mappings.usage(original.id)).toEqual([
      { id: one.id, name: 'Customers nightly' },
      { id: two.id, name: 'Customers on demand' },
    ]);
    expect(await rejection(mappings.remove(original.id))).toMatchObject({
      code: 'E_CONFLICT',
      message:
        'The mapping is used by 2 flows: “Customers nightly”, “Customers on demand”; remove those flows or give them another mapping first.',
      details: {
        flows: [
          { id: one.id, name: 'Customers nightly' },
          { id: two.id, name: 'Customers on demand' },
        ],
      },
    });
    await flows.removeFlow(two.id);
    expect((await rejection(mappings.remove(original.id))).message).toBe(
      'The mapping is used by the flow “Customers nightly”; remove that flow or give it another mapping first.',
    );

    expect(await mappings.usage(copy.id)).toEqual([]);
    expect(await mappings.remove(copy.id)).toBe(true);
    expect((await rejection(mappings.versions(copy.id))).code).toBe('E_NOT_FOUND');
    // Its History went with it; its expression versions stay for replays of runs that used it.
    expect(await mappings.expressionByHash(copy.hash)).toBe(copy.expression);
    expect((await mappings.list()).map((m) => m.name)).toEqual(['Customers', 'Customers (copy 2)', 'Mine']);
  });
});
