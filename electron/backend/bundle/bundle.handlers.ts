import type { Handlers } from '../api/dispatch';
import { assertRunnable, validateBundleText } from './bundle-check';
import { bundleFileName, bundleText, exportBundle } from './bundle-export';
import { installBundle } from './bundle-install';

type BundleHandlers = Pick<Handlers, 'bundles.export' | 'bundles.validate' | 'bundles.import'>;

export const bundleHandlers: BundleHandlers = {
  'bundles.export': async (input, context) => {
    const bundle = await exportBundle(context, input);
    return {
      fileName: bundleFileName(bundle),
      content: bundleText(bundle),
      contentHash: bundle.contentHash,
      secretSlots: bundle.connections.flatMap((connection) => connection.secretSlots.map((slot) => slot.slot)),
    };
  },
  'bundles.validate': async (input) => (await validateBundleText(input.content)).check,
  'bundles.import': async (input, context) => {
    const { check, loaded } = await validateBundleText(input.content);
    const bundle = assertRunnable(check, loaded);
    const report = await installBundle(context, bundle, input.connections);
    // Replaced settings may name other hosts: the next call builds a fresh client.
    for (const connection of report.connections)
      if (connection.status === 'updated') await context.http.drop(connection.id);
    return { check, ...report };
  },
};
