// electron-builder afterSign hook (electron-builder.yml): notarises the signed macOS app with
// Apple when credentials are in the environment, and says it skipped otherwise (local and CI
// builds without an Apple account still produce an app, which Gatekeeper then warns about).
// electron-builder's own notarize step is off (mac.notarize: false) so it runs once, here.
// electron-builder imports the hook and calls its `afterSign` export (or the default one).
import path from 'node:path';

/**
 * @electron/notarize options from the environment (the variable names electron-builder uses):
 * an App Store Connect API key, or an Apple ID with an app-specific password, or a notarytool
 * keychain profile. Returns { skip } when none is complete, naming what is missing.
 */
export function notarizeOptions(env, appPath) {
  if (env.APPLE_API_KEY && env.APPLE_API_KEY_ID && env.APPLE_API_ISSUER) {
    return {
      appPath,
      appleApiKey: env.APPLE_API_KEY,
      appleApiKeyId: env.APPLE_API_KEY_ID,
      appleApiIssuer: env.APPLE_API_ISSUER,
    };
  }
  if (env.APPLE_ID && env.APPLE_APP_SPECIFIC_PASSWORD && env.APPLE_TEAM_ID) {
    return {
      appPath,
      appleId: env.APPLE_ID,
      appleIdPassword: env.APPLE_APP_SPECIFIC_PASSWORD,
      teamId: env.APPLE_TEAM_ID,
    };
  }
  if (env.APPLE_KEYCHAIN_PROFILE) {
    return {
      appPath,
      keychainProfile: env.APPLE_KEYCHAIN_PROFILE,
      ...(env.APPLE_KEYCHAIN ? { keychain: env.APPLE_KEYCHAIN } : {}),
    };
  }
  return {
    skip: 'no Apple credentials (set APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER, or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID, or APPLE_KEYCHAIN_PROFILE)',
  };
}

export async function afterSign(context, env = process.env, log = console.log) {
  if (context.electronPlatformName !== 'darwin') return 'not macOS';
  const appPath = path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`);
  const options = notarizeOptions(env, appPath);
  if ('skip' in options) {
    log(`Notarisation skipped: ${options.skip}.`);
    return 'skipped';
  }
  const { notarize } = await import('@electron/notarize');
  log(`Notarising ${path.basename(appPath)} with Apple (takes a few minutes)…`);
  await notarize(options);
  return 'notarised';
}

export default afterSign;
