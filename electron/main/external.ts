import { shell } from 'electron';

/** Documentation the app links to; anything else is refused. */
const allowedPrefixes = [
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
    return parsed.protocol === 'https:' && allowedPrefixes.some((prefix) => parsed.href.startsWith(prefix));
  } catch {
    return false;
  }
}

export function openExternalSafely(url: string): void {
  if (isAllowedExternal(url)) void shell.openExternal(url);
}
