import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared/api/client';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { testBackend } from '../support/backend';
import { exampleBundle } from './support/bundle-files';

afterEach(() => vi.useRealTimers());

/**
 * The example's second flow has the smaller id, so when an import creates both
 * in one millisecond (frozen here, as on a fast CI machine) an order by time
 * and id would list "Sales orders" first.
 */
describe('bundle order', () => {
  it('lists imported flows in the bundle’s order, however fast the import', async () => {
    const bundle = exampleBundle();
    expect(bundle.flows[1]!.id < bundle.flows[0]!.id).toBe(true);
    const { backend, dispose } = testBackend();
    try {
      const api = createClient(inProcessTransport(backend));
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-01T08:00:00.000Z') });
      await api.call('bundles.import', { content: JSON.stringify(bundle) });
      const flows = await api.call('flows.list', {});
      expect(flows.map((flow) => flow.id)).toEqual(bundle.flows.map((flow) => flow.id));
      expect(flows[0]!.createdAt).toBe(flows[1]!.createdAt);
      // Exported again, the bundle keeps that order.
      const exported = JSON.parse(
        (await api.call('bundles.export', { name: 'Again', samples: [] })).content,
      ) as typeof bundle;
      expect(exported.flows.map((flow) => flow.id)).toEqual(bundle.flows.map((flow) => flow.id));
    } finally {
      await dispose();
    }
  });
});
