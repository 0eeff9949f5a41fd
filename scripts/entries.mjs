// The Node entry points scripts/build.mjs bundles: everything the packaged app runs outside the
// renderer. test/unit/desktop/production-deps.test.ts checks that whatever they load is a
// production dependency (the only node_modules electron-builder packs).
export const backendEntries = {
  mlc: 'electron/backend/cli/entry.ts',
  host: 'electron/backend/host/utility-host.ts',
  'mapping-worker': 'electron/backend/mapping/mapping-worker.ts',
};
export const mainEntries = { main: 'electron/main/index.ts' };
export const preloadEntries = { preload: 'electron/preload/index.ts' };
