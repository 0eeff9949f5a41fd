// Security decisions of the shell as pure functions (no 'electron' import), so
// they are unit-tested under plain Node.
import { zohoDataCentres } from '../../shared/connectors/zoho.settings';
import { appOrigin } from './paths';

/** Documentation the app links to; anything else is refused. */
const allowedExternalPrefixes = [
  'https://docs.infor.com/',
  'https://www.zoho.com/crm/developer/',
  'https://developer.salesforce.com/docs/',
  'https://developer.zendesk.com/',
  'https://learn.microsoft.com/',
  'https://dearinventory.docs.apiary.io/',
  'https://docs.jsonata.org/',
];

/** Authorize endpoints of the browser sign-ins (`connections.signIn`), by host; nothing else on those hosts opens. */
const signInPages: Array<{ host: (host: string) => boolean; path: string }> = [
  ...Object.values(zohoDataCentres).map(({ accounts }) => ({
    host: (host: string) => host === new URL(accounts).host,
    path: '/oauth/v2/auth',
  })),
  // Salesforce's web server flow runs on the org's My Domain (or the generic login hosts).
  {
    host: (host: string) =>
      host === 'login.salesforce.com' ||
      host === 'test.salesforce.com' ||
      /^[a-z0-9-]+(\.[a-z0-9-]+)*\.my\.salesforce\.com$/i.test(host),
    path: '/services/oauth2/authorize',
  },
];
/** The sandbox's simulators answer the same paths on 127.0.0.1 (plain http, any port). */
const sandboxSignInPaths = new Set(signInPages.map((page) => page.path));

/** A system's sign-in page, opened in the system browser so the person signs in where the app cannot watch (RFC 8252 §8.12). */
export function isAllowedSignIn(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password || parsed.hash) return false;
    if (parsed.protocol === 'http:' && parsed.hostname === '127.0.0.1') return sandboxSignInPaths.has(parsed.pathname);
    if (parsed.protocol !== 'https:') return false;
    return signInPages.some((page) => page.host(parsed.host) && parsed.pathname === page.path);
  } catch {
    return false;
  }
}

export function isAllowedExternal(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (isAllowedSignIn(url)) return true;
    if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
    return allowedExternalPrefixes.some((prefix) => parsed.href.startsWith(prefix));
  } catch {
    return false;
  }
}

/**
 * IPC is answered only for frames showing our own app:// origin. Compared by
 * scheme and host: Node's URL reports origin "null" for non-special schemes.
 */
export function isTrustedFrameUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    const own = new URL(appOrigin);
    return parsed.protocol === own.protocol && parsed.host === own.host && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

/** In-app navigation stays inside app://studio; everything else is blocked. */
export function isInternalNavigation(url: string): boolean {
  return isTrustedFrameUrl(url);
}

/**
 * Web permissions the window may use. None today: file inputs and downloads need none, and the
 * app reads no camera, microphone, location, clipboard, notifications, USB, serial or HID. A
 * feature that needs one adds its name here; everything else is refused, checks and requests alike.
 */
const grantedPermissions: ReadonlySet<string> = new Set<string>();

/** The session's permission check and request handlers: granted only if listed above and asked by our own page. */
export function isPermissionGranted(permission: string, requestingUrl: string | undefined): boolean {
  return grantedPermissions.has(permission) && isTrustedFrameUrl(requestingUrl);
}

export type UpdateCheckDecision = { check: true } | { check: false; reason: string };

/**
 * Whether the packaged app asks the update server for a new version: never while developing
 * (`npm start` runs an unpackaged app with no app-update.yml), never when an administrator turned
 * it off with MLC_NO_UPDATES=1 (managed desktops install versions themselves), and not from a
 * Linux .deb (installed by apt or the admin; electron-updater only replaces AppImages in place there).
 */
export function decideUpdateCheck(input: {
  isPackaged: boolean;
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
}): UpdateCheckDecision {
  if (!input.isPackaged) return { check: false, reason: 'development build' };
  const off = input.env.MLC_NO_UPDATES;
  if (off && off !== '0' && off.toLowerCase() !== 'false') return { check: false, reason: 'MLC_NO_UPDATES is set' };
  if (input.platform === 'linux' && !input.env.APPIMAGE) return { check: false, reason: 'not running as an AppImage' };
  return { check: true };
}
