import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { HookContext } from '../framework/hooks';

/** One M3 MI call's outcome: rows as string maps, or an error as M3 says it. */
export interface M3Result {
  records: Array<Record<string, string>>;
  raw: unknown;
}

const clean = (value: unknown) =>
  typeof value === 'string' ? value.trim() : value === null || value === undefined ? '' : String(value);

/**
 * Throws the M3 error a response carries, wherever M3 put it: a non-2xx
 * status (with or without a body), v2 top-level or `results[i]` error fields,
 * `nrOfFailedTransactions`, `wasTerminated` (boolean or "true"), v1 whole-body
 * NOK or an `ErrorMessage` after some rows. Rows before an error are never
 * returned as if the list were complete.
 */
export function m3ErrorOf(status: number, body: unknown, program: string, transaction: string): AppError | undefined {
  const where = `${program}/${transaction}`;
  const b = (body ?? {}) as Record<string, unknown>;
  const build = (message: unknown, code: unknown, field: unknown, type: unknown) => {
    // Messages are right-padded and may repeat code and field: trim and squeeze the padding.
    const text = clean(message).replace(/\s{2,}/g, ' ');
    return new AppError('E_REMOTE', `M3 ${where} failed: ${text || clean(type) || `HTTP ${status}`}`, {
      system: 'm3',
      program,
      transaction,
      code: clean(code) || undefined,
      field: clean(field) || undefined,
      type: clean(type) || undefined,
      status,
    });
  };
  if (
    typeof b.errorMessage === 'string' ||
    typeof b.errorCode === 'string' ||
    typeof b.terminationReason === 'string'
  ) {
    return build(
      b.errorMessage ?? b.terminationReason,
      b.errorCode,
      b.errorField,
      b.errorType ?? b.terminationErrorType,
    );
  }
  if (b['@type'] !== undefined && b.MIRecord === undefined && typeof b.Message === 'string') {
    return build(b.Message, b['@code'], b['@field'], b['@type']);
  }
  if (b.ErrorMessage && typeof b.ErrorMessage === 'object') {
    const e = b.ErrorMessage as Record<string, unknown>;
    const rows = Array.isArray(b.MIRecord) ? b.MIRecord.length : 0;
    const error = build(e.Message, e['@code'], e['@field'], e['@type']);
    return new AppError('E_REMOTE', `${error.message} (after ${rows} rows; the list is incomplete)`, {
      ...(error.details as object),
      rowsBeforeError: rows,
    });
  }
  const results = Array.isArray(b.results) ? (b.results as Array<Record<string, unknown>>) : [];
  const failed = results.find(
    (r) => r.errorMessage !== undefined || r.errorCode !== undefined || r.errorType !== undefined,
  );
  if (failed) return build(failed.errorMessage, failed.errorCode, failed.errorField, failed.errorType);
  const terminated = b.wasTerminated === true || b.wasTerminated === 'true';
  if (Number(b.nrOfFailedTransactions ?? 0) > 0 || terminated) {
    return build(
      b.terminationReason ?? 'the transaction was terminated',
      b.terminationErrorType,
      undefined,
      b.terminationErrorType,
    );
  }
  if (status < 200 || status >= 300) {
    // A bare 400 is how a tenant may answer a program or transaction it does not have (API-FACTS §1.4).
    const error = build(undefined, undefined, undefined, undefined);
    if (status !== 400) return error;
    return new AppError(
      'E_REMOTE',
      `${error.message} (no details: ${where} may not exist on this tenant; MRS001MI/LstTransactions lists what does)`,
      error.details,
    );
  }
  return undefined;
}

/** Rows of a v2 or v1 body as string maps (values as sent; callers trim). */
export function m3Rows(body: unknown): Array<Record<string, string>> {
  const b = (body ?? {}) as Record<string, unknown>;
  if (Array.isArray(b.results)) {
    return (b.results as Array<{ records?: unknown }>).flatMap((result) =>
      Array.isArray(result.records) ? (result.records as Array<Record<string, unknown>>).map(stringMap) : [],
    );
  }
  if (Array.isArray(b.MIRecord)) {
    return (b.MIRecord as Array<{ NameValue?: Array<{ Name: string; Value: unknown }> }>).map((record) =>
      Object.fromEntries(
        (record.NameValue ?? []).map((pair) => [
          pair.Name,
          pair.Value === null || pair.Value === undefined ? '' : String(pair.Value),
        ]),
      ),
    );
  }
  return [];
}

function stringMap(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, value === null || value === undefined ? '' : String(value)]),
  );
}

/**
 * The matrix every call carries, in m3-odin's order (`mi/runtime.ts`): metadata off (the v2 flag is
 * unsupported), `maxrecs`, `excludempty=false` (empty values stay, so every row has every column),
 * and the company and division from the connection settings (`m3Company`, `m3Division`), so a
 * multi-company tenant is read in the company chosen, not the user's default. `divi` goes only with `cono`.
 */
export function m3Matrix(
  settings: Record<string, unknown>,
  options: { maxrecs?: number; company?: string; division?: string; returncols?: readonly string[] },
) {
  const company = options.company ?? String(settings.m3Company ?? '').trim();
  const division = options.division ?? String(settings.m3Division ?? '').trim();
  let matrix = `;metadata=false;maxrecs=${options.maxrecs ?? 100};excludempty=false`;
  if (company) {
    matrix += `;cono=${encodeURIComponent(company)}`;
    if (division) matrix += `;divi=${encodeURIComponent(division)}`;
  }
  // Only these outputs in each row (API-FACTS §1.4 matrix order: returncols last).
  if (options.returncols?.length) matrix += `;returncols=${options.returncols.map(encodeURIComponent).join(',')}`;
  return matrix;
}

/** `GET …/M3/m3api-rest/v2/execute/{program}/{transaction};matrix?…`, errors raised as M3 states them. */
export async function m3Execute(
  context: HookContext,
  program: string,
  transaction: string,
  query: Record<string, string>,
  options: {
    maxrecs?: number;
    signal?: AbortSignal;
    company?: string;
    division?: string;
    returncols?: readonly string[];
  } = {},
): Promise<M3Result> {
  const base = `${String(context.settings.iu)}/${String(context.settings.tenant)}/M3/m3api-rest/v2/execute/${program}/${transaction}`;
  const matrix = m3Matrix(context.settings, options);
  const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
  const response: HttpResponse = await context.http.request({
    url: `${base}${matrix}${search ? `?${search}` : ''}`,
    expect: 'json',
    signal: options.signal,
    // M3 reports errors in 400 bodies: read them rather than a bare status.
    passStatuses: [400, 404],
  });
  const error = m3ErrorOf(response.status, response.data, program, transaction);
  if (error) throw error;
  return { records: m3Rows(response.data), raw: response.data };
}
