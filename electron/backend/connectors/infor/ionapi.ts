import { z } from 'zod';
import { AppError } from '../../../../shared/errors';
import { isLoopbackHost } from '../../http/host-policy';

/**
 * The `.ionapi` file Infor ION API Gateway hands out per authorized app
 * (API-FACTS §1.1). Keys keep Infor's spelling; URLs are built by plain
 * concatenation exactly as Infor's own clients do.
 */
export interface IonApiFile {
  ti: string;
  cn?: string;
  dt?: string;
  ci: string;
  cs: string;
  iu: string;
  pu: string;
  oa?: string;
  ot: string;
  or?: string;
  ev?: string;
  v?: string;
  saak?: string;
  sask?: string;
  sc?: string[];
  ru?: string;
}

export type IonApiKind = 'backend-service' | 'client-credentials';

export interface ParsedIonApi {
  file: IonApiFile;
  kind: IonApiKind;
  tokenUrl: string;
  revokeUrl?: string;
  authorizeUrl?: string;
  /** `{iu}/{ti}`: every product line's paths hang below it. */
  gatewayBase: string;
  /** `iu` and `pu` hosts: the only hosts this connection may call. */
  hosts: string[];
  /** Loopback http URLs: a sandbox file (plain http is allowed only for those). */
  sandbox: boolean;
  onPremises: boolean;
  /**
   * Keys the file lacked and that were derived (LN 2025+ client-credentials files carry only
   * cn, ci, cs, pu, ot): `ti` from the client id's `TENANT~` prefix, `iu` proposed from the `pu`
   * host (`…-sso.…` → `…-ionapi.…`) unless the caller gave one. The user should confirm `iu`.
   */
  derived: Array<'ti' | 'iu'>;
}

export interface IonApiParseOptions {
  /** The gateway URL the user confirmed, for files without `iu`. */
  gatewayUrl?: string;
}

const knownKeys = [
  'ti',
  'cn',
  'dt',
  'ci',
  'cs',
  'iu',
  'pu',
  'oa',
  'ot',
  'or',
  'ev',
  'v',
  'saak',
  'sask',
  'sc',
  'ru',
] as const;

const text = z.string().trim().min(1);
const url = text.refine((value) => isHttpUrl(value), 'must be an http(s) URL');
const fileSchema = z.object({
  ti: text,
  cn: z.string().optional(),
  dt: z.union([z.string(), z.number()]).transform(String).optional(),
  ci: text,
  cs: text,
  // Slashes are normalised, not refused: URLs are built by concatenation, `{iu}/{ti}` and `{pu}{ot}`.
  iu: url.transform((value) => value.replace(/\/+$/, '')),
  pu: url.transform((value) => value.replace(/\/*$/, '/')),
  oa: z.string().optional(),
  ot: text.transform((value) => value.replace(/^\/+/, '')),
  or: z.string().optional(),
  ev: z.string().optional(),
  v: z.union([z.string(), z.number()]).transform(String).optional(),
  saak: text.optional(),
  sask: text.optional(),
  sc: z.union([z.array(z.string()), z.string().transform((value) => value.split(/[\s,]+/).filter(Boolean))]).optional(),
  ru: z.string().optional(),
});

function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Parses the text of an `.ionapi` file. Errors name every missing or invalid
 * key and never echo a value of a secret key.
 */
export function parseIonApi(
  content: string,
  fileName = 'the .ionapi file',
  options: IonApiParseOptions = {},
): ParsedIonApi {
  let json: unknown;
  try {
    json = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.replace(/"[^"]*"/g, '…') : 'unreadable';
    throw new AppError(
      'E_IONAPI_INVALID_JSON',
      `${fileName} is not valid JSON (${detail}). Download it again from ION API Gateway › Authorized Apps.`,
    );
  }
  if (json && typeof json === 'object' && !Array.isArray(json) && 'InforConnection' in json) {
    json = (json as { InforConnection: unknown }).InforConnection;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new AppError(
      'E_IONAPI_INVALID_JSON',
      `${fileName} must hold one JSON object with keys like ti, ci, cs, iu, pu.`,
    );
  }
  const raw = { ...(json as Record<string, unknown>) };
  const derived = deriveMissing(raw, options);
  if (raw.ru !== undefined && raw.saak === undefined && raw.sask === undefined) {
    throw new AppError(
      'E_IONAPI_WEB_APP',
      `${fileName} belongs to a Web application (it has a redirect URL "ru" and no service account). Syncs run unattended and need a "Backend Service" authorized app: in ION API Gateway create one, add a service account, and download its credentials.`,
      { kind: 'web-app' },
    );
  }
  const missing = (['ti', 'ci', 'cs', 'iu', 'pu', 'ot'] as const).filter(
    (key) => raw[key] === undefined || raw[key] === null || raw[key] === '',
  );
  if (missing.length > 0) {
    throw new AppError(
      'E_IONAPI_MISSING_KEY',
      `${fileName} is missing ${missing.length === 1 ? 'key' : 'keys'} ${missing.map((key) => `"${key}"`).join(', ')}. Download the credentials again from ION API Gateway.`,
      { missing },
    );
  }
  if ((raw.saak === undefined) !== (raw.sask === undefined)) {
    const absent = raw.saak === undefined ? 'saak' : 'sask';
    throw new AppError(
      'E_IONAPI_MISSING_KEY',
      `${fileName} has only half of the service account: "${absent}" is missing.`,
      { missing: [absent] },
    );
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '?');
      // Say what is wrong with a secret, never what it holds.
      return { key, message: issue.message };
    });
    throw new AppError(
      'E_IONAPI_INVALID_KEY',
      `${fileName} has invalid ${problems.length === 1 ? 'key' : 'keys'}: ${problems.map((p) => `"${p.key}" ${p.message}`).join('; ')}.`,
      { invalid: problems },
    );
  }
  const file = parsed.data as IonApiFile;
  const unknown = Object.keys(raw).filter((key) => !(knownKeys as readonly string[]).includes(key));
  void unknown; // Tolerated: newer gateway versions add keys.
  const iu = new URL(file.iu);
  const pu = new URL(file.pu);
  const sandbox = [iu, pu].every((u) => u.protocol === 'http:' && isLoopbackHost(u.hostname));
  if (!sandbox && (iu.protocol !== 'https:' || pu.protocol !== 'https:')) {
    const key = iu.protocol !== 'https:' ? 'iu' : 'pu';
    throw new AppError(
      'E_IONAPI_INVALID_KEY',
      `${fileName}: "${key}" must be an https URL (plain http only for a sandbox on this machine).`,
      {
        invalid: [{ key, message: 'must be https' }],
      },
    );
  }
  return {
    file,
    kind: file.saak && file.sask ? 'backend-service' : 'client-credentials',
    tokenUrl: file.pu + file.ot,
    revokeUrl: file.or ? file.pu + file.or : undefined,
    authorizeUrl: file.oa ? file.pu + file.oa : undefined,
    gatewayBase: `${file.iu}/${file.ti}`,
    hosts: [...new Set([iu.host.toLowerCase(), pu.host.toLowerCase()])],
    sandbox,
    onPremises: !/\/as\/$/.test(file.pu),
    derived,
  };
}

const present = (value: unknown) => value !== undefined && value !== null && value !== '';

/**
 * Fills `ti` and `iu` of a client-credentials file that has neither (LN 2025+, API-FACTS §10).
 * Only files without a service account qualify; anything else missing them stays an error.
 */
function deriveMissing(raw: Record<string, unknown>, options: IonApiParseOptions): Array<'ti' | 'iu'> {
  const derived: Array<'ti' | 'iu'> = [];
  if (present(raw.saak) || present(raw.sask) || !present(raw.ci) || !present(raw.pu)) return derived;
  const tenant = /^([^~]+)~/.exec(String(raw.ci))?.[1];
  if (!present(raw.ti) && tenant) {
    raw.ti = tenant;
    derived.push('ti');
  }
  if (!present(raw.iu)) {
    const gateway = options.gatewayUrl?.trim() || proposeGateway(String(raw.pu));
    if (gateway) {
      raw.iu = gateway;
      if (!options.gatewayUrl?.trim()) derived.push('iu');
    }
  }
  return derived;
}

/** The gateway beside an authorization server: Infor Cloud's `mingle-sso.…` serves `mingle-ionapi.…`. */
export function proposeGateway(pu: string): string | undefined {
  try {
    const auth = new URL(pu);
    const host = auth.hostname.replace(/(^|[.-])sso(?=[.-])/, '$1ionapi');
    return `${auth.protocol}//${host}${auth.port && auth.port !== '443' ? `:${auth.port}` : ''}`;
  } catch {
    return undefined;
  }
}

/** The non-secret part of a file, for connection settings. */
export function ionApiSettings(parsed: ParsedIonApi): Record<string, string> {
  const { file } = parsed;
  const settings: Record<string, string> = { tenant: file.ti, iu: file.iu, pu: file.pu, ot: file.ot, ci: file.ci };
  if (file.or) settings.or = file.or;
  if (file.oa) settings.oa = file.oa;
  if (file.cn) settings.appName = file.cn;
  if (file.sc && file.sc.length > 0) settings.scopes = file.sc.join(' ');
  settings.grant = parsed.kind === 'backend-service' ? 'password' : 'client_credentials';
  return settings;
}

/** The secret part, by vault slot. */
export function ionApiSecrets(parsed: ParsedIonApi): Record<string, string> {
  const { file } = parsed;
  const secrets: Record<string, string> = { client_secret: file.cs };
  if (file.saak) secrets.service_account_key = file.saak;
  if (file.sask) secrets.service_account_secret = file.sask;
  return secrets;
}
