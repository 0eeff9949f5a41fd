// electron-builder afterPack hook (electron-builder.yml): flips Electron's fuses in the packed
// binary before it is signed, so the switches below cannot be turned back on without breaking
// the signature. https://www.electronjs.org/docs/latest/tutorial/fuses
// electron-builder imports the hook and calls its `afterPack` export (or the default one).

/**
 * The fuse settings, by @electron/fuses option name, given its `FuseV1Options` enum.
 */
export function fuseConfig(FuseV1Options, { platform, arm64 }) {
  return {
    // The app's binary never runs as plain Node (ELECTRON_RUN_AS_NODE). Mapping workers are Electron
    // utility processes started by the main process (electron/main/mapping-workers.ts);
    // test/unit/desktop/packaging.test.ts fails if anything forks the app with ELECTRON_RUN_AS_NODE again.
    [FuseV1Options.RunAsNode]: false,
    // NODE_OPTIONS and --inspect would let anyone with a shortcut run code inside the signed app.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // Cookies on disk encrypted with the OS key, like safeStorage secrets.
    [FuseV1Options.EnableCookieEncryption]: true,
    // The app loads only from app.asar (not a planted app/ folder beside it); pages come from app://, not file://.
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    // Apple silicon binaries carry an ad-hoc signature the flip invalidates: sign them ad hoc again
    // (the real signature, when there are credentials, comes after this hook).
    resetAdHocDarwinSignature: platform === 'darwin' && arm64,
  };
}

export async function afterPack(context) {
  const { FuseVersion, FuseV1Options } = await import('@electron/fuses');
  const { Arch } = await import('electron-builder');
  const arm64 = context.arch === Arch.arm64;
  await context.packager.addElectronFuses(context, {
    version: FuseVersion.V1,
    ...fuseConfig(FuseV1Options, { platform: context.electronPlatformName, arm64 }),
  });
}

export default afterPack;
