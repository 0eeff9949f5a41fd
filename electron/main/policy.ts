// Security decisions of the shell as pure functions (no 'electron' import), so
// they are unit-tested under plain Node.
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

export function isAllowedExternal(url: string): boolean {
  try {
    const parsed = new URL(url);
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
