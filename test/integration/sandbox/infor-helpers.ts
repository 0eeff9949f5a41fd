import { startInforSandbox, type InforSandbox, type InforSandboxOptions } from '../../../sandbox/infor/index';

/** Test-side client helpers: plain fetch against the sandbox, exactly as an outside client would call it. */
export interface Session {
  sandbox: InforSandbox;
  base: string;
  token: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<T>;
}

export function tokenUrl(sandbox: InforSandbox): string {
  const file = sandbox.ionapi();
  return `${String(file.pu)}${String(file.ot)}`;
}

export async function passwordGrant(sandbox: InforSandbox, overrides: Record<string, string> = {}): Promise<Response> {
  const file = sandbox.ionapi() as Record<string, string>;
  const body = new URLSearchParams({
    grant_type: 'password',
    username: file.saak ?? '',
    password: file.sask ?? '',
    client_id: file.ci ?? '',
    client_secret: file.cs ?? '',
    ...overrides,
  });
  return fetch(tokenUrl(sandbox), { method: 'POST', body });
}

export async function accessToken(sandbox: InforSandbox): Promise<string> {
  const response = await passwordGrant(sandbox);
  if (response.status !== 200) throw new Error(`token grant failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function openSession(options: InforSandboxOptions = {}): Promise<Session> {
  const sandbox = await startInforSandbox(options);
  const token = await accessToken(sandbox);
  const base = `${sandbox.url}/${sandbox.tenant}`;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return {
    sandbox,
    base,
    token,
    get,
    json: async <T>(path: string, headers?: Record<string, string>) => {
      const response = await get(path, headers);
      if (!response.ok) throw new Error(`${path} → ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
  };
}

export interface M3V2Body {
  results: Array<{
    transaction: string;
    records: Array<Record<string, string>>;
    errorMessage?: string;
    errorCode?: string;
    errorType?: string;
  }>;
  wasTerminated: boolean;
  nrOfSuccessfullTransactions: number;
  nrOfFailedTransactions: number;
}

export const exportPath = (query: string, extra = '&SEPC=;&HDRS=1&maxrecs=1000&righttrim=true') =>
  `/M3/m3api-rest/v2/execute/EXPORTMI/Select?QERY=${encodeURIComponent(query)}${extra}`;

/** The data lines of an EXPORTMI answer (header dropped), split on `;`. */
export function exportRows(body: M3V2Body, header = true): string[][] {
  const lines = body.results[0]?.records.map((record) => (record.REPL ?? '').trimEnd()) ?? [];
  return (header ? lines.slice(1) : lines).map((line) => line.split(';'));
}

/** A structural fingerprint: object keys and value types, arrays by the union of their items. */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const merged: Record<string, unknown> = {};
    let scalar: unknown;
    for (const item of value) {
      const shape = shapeOf(item);
      if (shape && typeof shape === 'object' && !Array.isArray(shape)) Object.assign(merged, shape);
      else scalar = shape;
    }
    return [Object.keys(merged).length > 0 ? sortKeys(merged) : (scalar ?? 'empty')];
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = shapeOf(item);
    return sortKeys(out);
  }
  return typeof value;
}

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([left], [right]) => left.localeCompare(right)));
}
