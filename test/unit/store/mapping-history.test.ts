import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../../shared/api/client';
import type { ConnectionId } from '../../../shared/domain/connection';
import type { MappingId } from '../../../shared/domain/flow';
import { compileGraph, type MappingGraph } from '../../../shared/mapping/index';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { openDatabase } from '../../../electron/backend/store/database';
import { migrations } from '../../../electron/backend/store/migrations/index';
import { customerGraph } from '../../bundle/support/infor-to-zoho';
import { storeFile, testBackend } from '../../support/backend';
import { createBackend } from '../../../electron/backend/backend';
import { tempDir } from '../../support/paths';
import path from 'node:path';

const infor = 'c-infor-h' as ConnectionId;
const zoho = 'c-zoho-h' as ConnectionId;
const v1: MappingGraph = customerGraph();
/** The same mapping without its Phone line. */
const v2: MappingGraph = {
  ...v1,
  edges: v1.edges.filter((edge) => edge.targetHandle !== 'Phone'),
};

const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

function api(): ApiClient {
  const made = testBackend();
  disposers.push(made.dispose);
  return createClient(inProcessTransport(made.backend));
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; details?: unknown };
  }
  throw new Error('expected the call to fail');
}

const design = (graph: MappingGraph) => ({
  name: 'Customers',
  sourceEntity: 'customers',
  targetEntity: 'Accounts',
  sourceConnectionId: infor,
  targetConnectionId: zoho,
  graph,
  expression: compileGraph(graph).expression,
});

describe('managing saved mappings through the contract (real SQLite)', () => {
  it('keeps a version per changed save, diffs versions semantically, and restores as a new version', async () => {
    const client = api();
    const first = await client.call('mappings.save', design(v1));
    // Saving the same design again (or renaming) adds nothing to History.
    await client.call('mappings.save', { ...design(v1), id: first.id });
    await client.call('mappings.rename', { id: first.id, name: 'Customers → Accounts' });
    expect((await client.call('mappings.versions', { id: first.id })).map((v) => v.version)).toEqual([1]);

    const second = await client.call('mappings.save', { ...design(v2), id: first.id, name: 'Customers → Accounts' });
    const versions = await client.call('mappings.versions', { id: first.id });
    expect(versions.map((v) => [v.version, v.current, v.hash])).toEqual([
      [2, true, second.hash],
      [1, false, first.hash],
    ]);

    const diff = await client.call('mappings.diff', { id: first.id, from: 1 });
    expect(diff).toEqual({
      from: 1,
      to: 2,
      changes: [{ field: 'Phone', kind: 'removed', message: 'Phone: no longer mapped (was PHNO)', nodeIds: [] }],
    });
    expect((await client.call('mappings.diff', { id: first.id, from: 2, to: 1 })).changes).toMatchObject([
      { field: 'Phone', kind: 'added', message: 'Phone: now mapped from PHNO' },
    ]);

    const restored = await client.call('mappings.restore', { id: first.id, version: 1 });
    expect(restored).toMatchObject({
      id: first.id,
      name: 'Customers → Accounts',
      hash: first.hash,
      graph: v1,
      sourceConnectionId: infor,
    });
    expect(await client.call('mappings.get', { id: first.id })).toEqual(restored);
    const after = await client.call('mappings.versions', { id: first.id });
    expect(after.map((v) => [v.version, v.restoredFrom, v.current])).toEqual([
      [3, 1, true],
      [2, null, false],
      [1, null, false],
    ]);
    expect((await client.call('mappings.diff', { id: first.id, from: 1 })).changes).toEqual([]);
    expect(await errorOf(client.call('mappings.diff', { id: first.id, from: 9 }))).toMatchObject({
      code: 'E_NOT_FOUND',
      message: expect.stringContaining('no version 9'),
    });
  });

  it('duplicates under a free name with its own History, and refuses to delete a mapping flows use, naming them all', async () => {
    const client = api();
    const original = await client.call('mappings.save', design(v1));
    await client.call('mappings.save', { ...design(v2), id: original.id });
    const copy = await client.call('mappings.duplicate', { id: original.id });
    const again = await client.call('mappings.duplicate', { id: original.id });
    expect([copy.name, again.name]).toEqual(['Customers (copy)', 'Customers (copy 2)']);
    expect(copy).toMatchObject({ graph: v2, hash: (await client.call('mappings.get', { id: original.id })).hash });
    expect(copy.id).not.toBe(original.id);
    expect((await client.call('mappings.versions', { id: copy.id })).map((v) => v.version)).toEqual([1]);

    const flow = (name: string) => ({
      name,
      source: { connectionId: infor, entity: 'customers', lookbackSeconds: 60 },
      mappingId: original.id,
      target: { connectionId: zoho, entity: 'Accounts', matchKey: ['Account_Number'] },
      schedule: { kind: 'manual' as const },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
    const one = await client.call('flows.save', flow('Customers nightly'));
    const two = await client.call('flows.save', flow('Customers on demand'));
    expect(await client.call('mappings.usage', { id: original.id })).toEqual({
      flows: [
        { id: one.id, name: 'Customers nightly' },
        { id: two.id, name: 'Customers on demand' },
      ],
    });
    const refused = await errorOf(client.call('mappings.remove', { id: original.id }));
    expect(refused).toMatchObject({
      code: 'E_CONFLICT',
      message: expect.stringMatching(/2 flows: “Customers nightly”, “Customers on demand”/),
      details: { flows: [{ name: 'Customers nightly' }, { name: 'Customers on demand' }] },
    });
    expect(await client.call('mappings.usage', { id: copy.id })).toEqual({ flows: [] });
    expect(await client.call('mappings.remove', { id: copy.id })).toEqual({ removed: true });
    expect(await errorOf(client.call('mappings.versions', { id: copy.id }))).toMatchObject({ code: 'E_NOT_FOUND' });
    // The copy's expression versions stay for replays of runs that used it.
    expect((await client.call('mappings.list', {})).map((m) => m.name)).toEqual(['Customers', 'Customers (copy 2)']);
  });

  it('starts the History of mappings saved before it with their current design as version 1', async () => {
    const folder = tempDir('mlc-history-');
    disposers.push(() => folder.remove());
    const file = path.join(folder.dir, 'mlc.sqlite');
    const old = openDatabase({
      file,
      migrations: migrations.slice(
        0,
        migrations.findIndex((migration) => migration.id === 'mapping/003-history'),
      ),
    });
    const { expression } = compileGraph(v1);
    old
      .prepare(
        'INSERT INTO mappings (id, name, source_entity, target_entity, graph, expression, hash, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run('old', 'Old', 'customers', 'Accounts', JSON.stringify(v1), expression, 'h1', '2025-06-29T10:00:00.000Z');
    old.close();
    const backend = createBackend({ runtime: 'cli', dataDir: folder.dir });
    disposers.push(() => backend.close());
    const client = createClient(inProcessTransport(backend));
    expect(await client.call('mappings.versions', { id: 'old' as MappingId })).toEqual([
      { version: 1, name: 'Old', hash: 'h1', createdAt: '2025-06-29T10:00:00.000Z', restoredFrom: null, current: true },
    ]);
    await client.call('mappings.save', { ...design(v2), id: 'old' as MappingId });
    expect((await client.call('mappings.diff', { id: 'old' as MappingId, from: 1 })).changes).toHaveLength(1);
    const db = storeFile(folder.dir);
    expect(db.prepare('SELECT COUNT(*) AS n FROM mapping_history').get()).toEqual({ n: 2 });
    db.close();
  });
});
