import type { JsonObject, JsonValue } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import type { HttpResponse } from '../../http/http-client';

/** Small OData helpers shared by the Dataverse hooks: URLs, key literals, error bodies. */

export const defaultAuthorityUrl = 'https://login.microsoftonline.com';

const trimSlash = (value: string) => value.replace(/\/+$/, '');

export function orgUrlOf(context: Pick<HookContext, 'settings'>): string {
  return trimSlash(String(context.settings.orgUrl ?? ''));
}

export function authorityUrlOf(context: Pick<HookContext, 'settings'>): string {
  const value = context.settings.authorityUrl;
  return trimSlash(typeof value === 'string' && value.trim() ? value.trim() : defaultAuthorityUrl);
}

/** `https://org.crm4.dynamics.com/api/data/v9.2` */
export function apiBaseOf(context: Pick<HookContext, 'settings'>): string {
  const version =
    typeof context.settings.apiVersion === 'string' && context.settings.apiVersion
      ? context.settings.apiVersion
      : '9.2';
  return `${orgUrlOf(context)}/api/data/v${version}`;
}

/**
 * Per-call headers of Web API calls. The OData version headers every call carries
 * (API-FACTS §5.1) are the descriptor's `headers`, which the client adds itself.
 */
export function odataHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { accept: 'application/json', ...extra };
}

/** An OData literal for a key or filter value: strings quoted with `''` escaping, numbers and booleans bare. */
export function odataLiteral(value: JsonValue | undefined): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * The alternate-key segment of a record, `(accountnumber='ERP-1')` or
 * `(k1='a',k2=2)`, percent-encoded for the URL path. Undefined when a key part is missing.
 */
export function alternateKeySegment(record: JsonObject, matchKey: string[]): string | undefined {
  const parts: string[] = [];
  for (const name of matchKey) {
    const value = record[name];
    if (value === undefined || value === null || value === '') return undefined;
    parts.push(`${name}=${encodeURIComponent(odataLiteral(value))}`);
  }
  return `(${parts.join(',')})`;
}

/**
 * Characters Dataverse cannot take in an alternate-key value addressed in the URL: "If the data
 * within a column that is used in an alternate key contains one of the following characters
 * /, #, <, >, *, %, &, :, \\, ?, + then GET or PATCH actions won't work" (Microsoft Learn, "Define
 * alternate keys using Power Apps", https://learn.microsoft.com/power-apps/maker/data-platform/define-alternate-keys-portal).
 * Percent-encoding does not help: the value is refused once decoded.
 */
const keyUnsafeCharacters = /[/#<>*%&:\\?+]/;

/**
 * Whether a record can be addressed by its alternate key in the URL: false when a string key value
 * holds one of the characters Dataverse refuses there (such records are found by `$filter` and
 * written by id instead).
 */
export function addressableByKey(record: JsonObject, matchKey: string[]): boolean {
  return matchKey.every((name) => {
    const value = record[name];
    return typeof value !== 'string' || !keyUnsafeCharacters.test(value);
  });
}

/** The body of an upsert: key columns go in the URL, never in the body (API-FACTS §5.3). */
export function withoutKeys(record: JsonObject, matchKey: string[]): JsonObject {
  const body: JsonObject = {};
  for (const [name, value] of Object.entries(record)) if (!matchKey.includes(name)) body[name] = value;
  return body;
}

export interface DataverseError {
  code: string;
  message: string;
}

/** `{"error":{"code":"0x…","message":"…"}}`; the code is often empty. */
export function parseDataverseError(text: string): DataverseError | undefined {
  try {
    const body = JSON.parse(text.replace(/^\uFEFF/, '')) as { error?: { code?: unknown; message?: unknown } };
    if (!body || typeof body !== 'object' || !body.error || typeof body.error !== 'object') return undefined;
    return {
      code: typeof body.error.code === 'string' ? body.error.code : '',
      message: typeof body.error.message === 'string' ? body.error.message : '',
    };
  } catch {
    return undefined;
  }
}

export function extractDataverseErrorCode(response: HttpResponse): string | undefined {
  const code = parseDataverseError(response.text)?.code;
  return code ? code.toLowerCase() : undefined;
}

/** The GUID inside an `OData-EntityId` URL (`…/accounts(00000000-…)`). */
export function idFromEntityUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const match = /\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)\s*$/i.exec(url.trim());
  return match?.[1]?.toLowerCase();
}

/** First value of a header undici may hand back as a list. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
