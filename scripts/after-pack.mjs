// electron-builder afterPack hook (electron-builder.yml): flips Electron's fuses in the packed
// binary before it is signed, so the switches below cannot be turned back on without breaking
// the signature. https://www.electronjs.org/docs/latest/tutorial/fuses
// electron-builder imports the hook and calls its `afterPack` export (or the default one).

/**
 * The fuse settings, by @electron/fuses option name, given its `FuseV1Options` enum.
 * RunAsNode stays ON for now: the backend runs each user mapping in a child process forked with
 * ELECTRON_RUN_AS_NODE=1 (electron/backend/mapping/worker-process.ts), which the fuse would turn
 * into a second copy of the app. Turning it off needs those workers started as Electron utility
 * processes first; test/unit/desktop/packaging.test.ts fails if the two disagree.
 */
export function fuseConfig(FuseV1Options, { platform, arm64 }) {
  return {
    [FuseV1Options.RunAsNode]: true,
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
