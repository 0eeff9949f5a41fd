import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/api/client';
import type { ConnectionId } from '../../../shared/domain/connection';
import { AppError } from '../../../shared/errors';
import { stableHash } from '../../../shared/hash';
import { compileGraph, emptyGraph, type MappingGraph } from '../../../shared/mapping/index';
import { createBackend } from '../../../electron/backend/backend';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { SqliteMappingRepository } from '../../../electron/backend/mapping/mapping.repository';
import { openDatabase } from '../../../electron/backend/store/database';
import { migrations } from '../../../electron/backend/store/migrations/index';
import { SqliteFlowRepository } from '../../../electron/backend/sync/flows.repository';
import { customerGraph } from '../../bundle/support/infor-to-zoho';
import { storeFile } from '../../support/backend';
import { tempDir } from '../../support/paths';

const folders: Array<{ remove(): void }> = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));
const dataDir = () => {
  const made = tempDir('mlc-mappings-');
  folders.push(made);
  return made.dir;
};

const graph: MappingGraph = customerGraph();
const expression = compileGraph(graph).expression;
const infor = 'c-infor-2' as ConnectionId;
const zoho = 'c-zoho-2' as ConnectionId;

function thrown(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('the mapping repository on a real SQLite store', () => {
  it('saves the design with its connections in their own columns, keeps every expression version, and reads it back typed', () => {
    const db = openDatabase({ file: path.join(dataDir(), 'mlc.sqlite') });
    const mappings = new SqliteMappingRepository(db);
    const saved = mappings.save({
      name: 'Customers',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      sourceConnectionId: infor,
      targetConnectionId: zoho,
      graph,
      expression,
    });
    expect(saved).toMatchObject({ sourceConnectionId: infor, targetConnectionId: zoho, hash: stableHash(expression) });
    const row = db
      .prepare('SELECT source_connection_id, target_connection_id, graph FROM mappings WHERE id = ?')
      .get(saved.id) as Record<string, string>;
    expect(row).toMatchObject({ source_connection_id: infor, target_connection_id: zoho });
    expect(row.graph).not.toContain(infor);
    expect(mappings.get(saved.id)).toEqual(saved);
    expect(mappings.get(saved.id).graph).toEqual(graph);

    // Without ids (the contract alone, `mlc`): null, and a second version keeps the first for replays.
    const next = mappings.save({
      id: saved.id,
      name: 'Customers',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      expression: '{ "Account_Name": CUNM }',
    });
    expect(next).toMatchObject({ sourceConnectionId: null, targetConnectionId: null });
    expect(next.graph).toBeUndefined();
    expect(mappings.expressionByHash(saved.hash)).toBe(expression);
    expect(mappings.list().map((mapping) => mapping.id)).toEqual([saved.id]);
    db.close();
  });

  it('refuses a graph it cannot read, and to remove a mapping a flow runs', () => {
    const db = openDatabase({ file: path.join(dataDir(), 'mlc.sqlite') });
    const mappings = new SqliteMappingRepository(db);
    const flows = new SqliteFlowRepository(db, mappings);
    expect(() =>
      mappings.save({
        name: 'Bad',
        sourceEntity: 'a',
        targetEntity: 'b',
        graph: { nodes: 'no' } as unknown as MappingGraph,
        expression: '{}',
      }),
    ).toThrow();
    const mapping = mappings.save({
      name: 'Used',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      graph: emptyGraph(),
      expression: '{}',
    });
    flows.saveFlow({
      name: 'Customers flow',
      source: { connectionId: infor, entity: 'customers', lookbackSeconds: 60 },
      mappingId: mapping.id,
      target: { connectionId: zoho, entity: 'Accounts', matchKey: ['Account_Number'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
    expect(thrown(() => mappings.remove(mapping.id))).toMatchObject({
      code: 'E_CONFLICT',
      message: expect.stringContaining('Customers flow'),
    });
    expect(
      thrown(() => flows.saveFlow({ ...flows.flows()[0]!, id: undefined, mappingId: 'gone' as typeof mapping.id }))
        .code,
    ).toBe('E_NOT_FOUND');
    db.close();
  });
});

describe('mappings saved before the connection columns existed', () => {
  it('still load: the ids move from the graph JSON to the columns, junk ids and unreadable graphs do not break the store', async () => {
    const dir = dataDir();
    const file = path.join(dir, 'mlc.sqlite');
    // The store as the previous release left it: every migration but the connection columns.
    const old = openDatabase({
      file,
      migrations: migrations.slice(
        0,
        migrations.findIndex((migration) => migration.id === 'mapping/001-connection-columns'),
      ),
    });
    const insert = old.prepare(
      'INSERT INTO mappings (id, name, source_entity, target_entity, graph, expression, hash, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const row = (id: string, saved: unknown) =>
      insert.run(
        id,
        `Mapping ${id}`,
        'customers',
        'Accounts',
        saved === null ? null : JSON.stringify(saved),
        expression,
        stableHash(expression),
        '2026-01-01T00:00:00.000Z',
      );
    // The designer kept the ids as two extra keys next to the nodes and edges.
    row('drawn', { ...graph, sourceConnectionId: infor, targetConnectionId: zoho });
    row('before-ids', graph);
    row('junk-ids', { ...graph, sourceConnectionId: 7, targetConnectionId: '' });
    row('no-graph', null);
    row('unreadable', { nodes: 'not a list' });
    old.close();

    const backend = createBackend({ runtime: 'cli', dataDir: dir });
    try {
      const api = createClient(inProcessTransport(backend));
      const drawn = await api.call('mappings.get', { id: 'drawn' as never });
      expect(drawn).toMatchObject({ sourceConnectionId: infor, targetConnectionId: zoho });
      expect(drawn.graph).toEqual(graph);
      const file = storeFile(dir);
      const raw = file.prepare("SELECT graph FROM mappings WHERE id = 'drawn'").get() as { graph: string };
      file.close();
      expect(JSON.parse(raw.graph)).not.toHaveProperty('sourceConnectionId');
      expect(await api.call('mappings.get', { id: 'before-ids' as never })).toMatchObject({
        sourceConnectionId: null,
        targetConnectionId: null,
        graph,
      });
      expect(await api.call('mappings.get', { id: 'junk-ids' as never })).toMatchObject({
        sourceConnectionId: null,
        targetConnectionId: null,
        graph,
      });
      const noGraph = await api.call('mappings.get', { id: 'no-graph' as never });
      expect(noGraph).toMatchObject({ sourceConnectionId: null, expression });
      expect(noGraph.graph).toBeUndefined();
      // A graph this version cannot draw is left out; the designer draws the mapping from its JSONata.
      const unreadable = await api.call('mappings.get', { id: 'unreadable' as never });
      expect(unreadable).toMatchObject({ sourceConnectionId: null, expression });
      expect(unreadable.graph).toBeUndefined();
      expect((await api.call('mappings.list', {})).map((mapping) => mapping.id).sort()).toEqual([
        'before-ids',
        'drawn',
        'junk-ids',
        'no-graph',
        'unreadable',
      ]);
    } finally {
      await backend.close();
    }
  });
});
