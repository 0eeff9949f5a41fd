import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import type { ConnectionId } from '../../shared/domain/connection';
import type { ApiClient } from '../../shared/api/client';
import type { MappingId } from '../../shared/domain/flow';
import { contentHashOf } from '../../electron/backend/bundle/bundle-hash';
import { loadBundle } from '../../electron/backend/bundle/bundle-load';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { testBackend } from '../support/backend';
import { exampleBundle, reseal } from './support/bundle-files';

// The connections a mapping was drawn against travel as the mapping's own fields, naming
// connections of the bundle (the ones an import creates, under the same ids).
const text = (value: unknown) => JSON.stringify(value);
const drawn = (mapping: { sourceConnectionId?: string | null; targetConnectionId?: string | null }) => [
  mapping.sourceConnectionId,
  mapping.targetConnectionId,
];

/** Saves the stored mapping again as drawn against these connections, as the designer does. */
async function redraw(
  api: ApiClient,
  id: MappingId,
  sourceConnectionId: string | null,
  targetConnectionId: string | null,
): Promise<void> {
  const { hash: _hash, updatedAt: _updated, ...design } = await api.call('mappings.get', { id });
  await api.call('mappings.save', {
    ...design,
    sourceConnectionId: sourceConnectionId as ConnectionId | null,
    targetConnectionId: targetConnectionId as ConnectionId | null,
  });
}

const example = exampleBundle();
const infor = example.connections.find((connection) => connection.system === 'infor')!.id;
const zoho = example.connections.find((connection) => connection.system === 'zoho')!.id;

describe('the connections a mapping was drawn against, in bundles', () => {
  const backends: Array<ReturnType<typeof testBackend>> = [];
  const fresh = () => {
    const made = testBackend();
    backends.push(made);
    return createClient(inProcessTransport(made.backend));
  };
  afterAll(async () => {
    for (const made of backends) await made.dispose();
  });

  it('loads a bundle exported before they were fields (kept inside the graph): hash intact, ids lifted when the bundle has them', async () => {
    const old = exampleBundle();
    const drawnGraph = old.mappings.findIndex((mapping) => mapping.graph);
    const graph = old.mappings[drawnGraph]!.graph as unknown as Record<string, unknown>;
    // The designer's extra keys, one naming a connection the bundle does not bring along.
    old.mappings[drawnGraph]!.graph = {
      ...graph,
      sourceConnectionId: infor,
      targetConnectionId: 'c-not-in-this-bundle',
    } as never;
    const file = reseal(old);
    const loaded = loadBundle(text(file));
    expect(loaded.problems).toEqual([]);
    expect(loaded.bundle!.contentHash).toBe(file.contentHash);
    expect(file.contentHash).toBe(contentHashOf(file));
    const mapping = loaded.bundle!.mappings[drawnGraph]!;
    expect(mapping.sourceConnectionId).toBe(infor);
    expect(mapping.targetConnectionId).toBeUndefined();
    expect(mapping.graph).not.toHaveProperty('sourceConnectionId');
    expect(mapping.graph).not.toHaveProperty('targetConnectionId');

    const api = fresh();
    expect((await api.call('bundles.import', { content: text(file) })).check.ok).toBe(true);
    expect(drawn(await api.call('mappings.get', { id: mapping.id }))).toEqual([infor, null]);
  });

  it('exports them, falling back to the connections of the flow that runs the mapping, and imports them back', async () => {
    const api = fresh();
    await api.call('bundles.import', { content: text(example) });
    const [customers, orders] = [example.mappings[0]!, example.mappings[1]!];
    // One mapping drawn against the bundle's connections, one against connections this export does not bring along.
    await redraw(api, customers.id, infor, zoho);
    await redraw(api, orders.id, 'c-elsewhere', null);
    const exported = JSON.parse((await api.call('bundles.export', { name: 'Drawn' })).content) as typeof example;
    expect(loadBundle(text(exported)).problems).toEqual([]);
    const byId = (bundle: typeof example, id: string) => bundle.mappings.find((mapping) => mapping.id === id)!;
    const ordersFlow = exported.flows.find((flow) => flow.mappingId === orders.id)!;
    expect(drawn(byId(exported, customers.id))).toEqual([infor, zoho]);
    expect(drawn(byId(exported, orders.id))).toEqual([ordersFlow.source.connectionId, ordersFlow.target.connectionId]);
    expect(JSON.stringify(byId(exported, customers.id).graph)).not.toContain(infor);

    const elsewhere = fresh();
    await elsewhere.call('bundles.import', { content: text(exported) });
    expect(drawn(await elsewhere.call('mappings.get', { id: customers.id }))).toEqual([infor, zoho]);
    expect(drawn(await elsewhere.call('mappings.get', { id: orders.id }))).toEqual([infor, zoho]);
  });

  it('keeps what the store knows when a bundle does not say, and refuses ids naming no connection of the bundle', async () => {
    const api = fresh();
    await api.call('bundles.import', { content: text(example) });
    const customers = example.mappings[0]!;
    await redraw(api, customers.id, infor, zoho);
    // The shipped example says nothing about them: the same design, kept as it is.
    const again = await api.call('bundles.import', { content: text(example) });
    expect(again.items.mappings.map((item) => item.status)).toEqual(example.mappings.map(() => 'kept'));
    expect(drawn(await api.call('mappings.get', { id: customers.id }))).toEqual([infor, zoho]);

    const foreign = exampleBundle();
    foreign.mappings[0]!.sourceConnectionId = 'c-not-in-this-bundle' as ConnectionId;
    const check = await api.call('bundles.validate', { content: text(reseal(foreign)) });
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      expect.objectContaining({ code: 'E_BUNDLE_INVALID', path: 'mappings[0].sourceConnectionId' }),
    ]);
  });
});
