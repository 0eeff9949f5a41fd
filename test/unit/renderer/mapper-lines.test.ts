import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/domain/connection';
import { startInforSandbox, type InforSandbox } from '../../../sandbox/infor/index';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';
import {
  loadSamples,
  openNewMapping,
  openSavedMapping,
  saveMapping,
} from '../../../renderer/src/features/mapper/mapper-session';
import { rendererWorld, type RendererWorld } from './support/sandbox-backend';

/** The Mapper on a line mapping (one Dataverse order product per M3 order line), against the simulators. */
describe('mapper: one record per line of an order', () => {
  let world: RendererWorld;
  let infor: InforSandbox;
  let dynamics: DynamicsSandbox;
  let source: Connection;
  let target: Connection;

  beforeAll(async () => {
    world = rendererWorld();
    infor = await startInforSandbox({ counts: { customers: 10, salesOrders: 5 } });
    dynamics = await startDynamicsSandbox({ counts: { account: 0, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
    source = await world.api.call('connections.importIonapi', {
      fileName: 'sandbox.ionapi',
      content: JSON.stringify(infor.ionapi()),
      productLine: 'm3',
    });
    const connection = dynamics.connection();
    target = await world.api.call('connections.create', {
      system: 'dynamics',
      name: connection.name,
      settings: connection.settings,
      secrets: connection.secrets,
      sandbox: true,
    });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await Promise.all([infor?.close(), dynamics?.close()]);
  });

  it('shows a line plus its parent in the tree, previews per line, and reopens as a line mapping', async () => {
    const store = await openNewMapping(world.api, {
      name: 'Order lines',
      sourceConnectionId: source.id,
      sourceEntity: 'salesOrders',
      sourceLines: 'lines',
      targetConnectionId: target.id,
      targetEntity: 'salesorderdetail',
    });
    const fields = store.getState().source!.schema.fields;
    expect(fields.map((field) => field.name)).toEqual(expect.arrayContaining(['PONR', 'POSX', 'ORQT', 'parent']));
    expect(fields.map((field) => field.name)).not.toContain('lines');
    expect(fields.find((field) => field.name === 'parent')?.children?.map((field) => field.name)).toContain('ORNO');

    await loadSamples(world.api, store, 5);
    const samples = store.getState().samples;
    // Five orders, each with one or more lines: the preview gets lines, each with its order.
    expect(samples.length).toBeGreaterThan(5);
    for (const sample of samples) {
      expect(sample.data).toHaveProperty('ORQT');
      expect((sample.data.parent as Record<string, unknown>).ORNO).toBe(sample.data.ORNO);
      expect(sample.data).not.toHaveProperty('lines');
    }

    store.getState().editText('{ "mlc_inforlineid": parent.ORNO & "-" & PONR, "quantity": ORQT }');
    expect(store.getState().applyText()).toBe(true);
    const saved = await saveMapping(world.api, store);
    expect(saved.saved).toBe(true);
    const mapping = await world.api.call('mappings.get', { id: store.getState().mappingId as never });
    expect(mapping.sourceLines).toBe('lines');
    const reopened = await openSavedMapping(world.api, mapping.id, [source, target]);
    expect(reopened.getState().source?.lines).toBe('lines');
    expect(reopened.getState().source?.schema.fields.map((field) => field.name)).toContain('parent');
  }, 60_000);
});
