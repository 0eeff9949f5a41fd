import { AppError } from '../../../../shared/errors';
import type { HttpMethod, HttpResponse } from '../../http/http-client';
import type { JsonObject, JsonValue } from '../framework/connector';
import type { HookContext } from '../framework/hooks';

/** Cin7's error model: `{"ErrorCode":400,"Exception":"…"}`, or a list of them, sometimes under HTTP 200. */
export interface Cin7Error {
  code: number;
  message: string;
}

export function cin7ErrorsOf(body: unknown): Cin7Error[] {
  const items = Array.isArray(body) ? body : [body];
  const errors: Cin7Error[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const record = item as Record<string, unknown>;
    if (!('ErrorCode' in record) && !('Exception' in record)) continue;
    errors.push({
      code: Number(record.ErrorCode ?? 0),
      message: String(record.Exception ?? '').trim() || 'Cin7 Core reported an error without a message.',
    });
  }
  return errors;
}

export interface Cin7Answer {
  status: number;
  data: unknown;
  /** Set when the status or the body says the call failed. */
  errors: Cin7Error[];
}

function apiBase(context: HookContext): string {
  return context.url(context.descriptor.baseUrl).replace(/\/+$/, '');
}

/** One call through the connection's client; failures come back as values so writes can report them per record. */
export async function cin7Call(
  context: HookContext,
  method: HttpMethod,
  path: string,
  options: {
    query?: Record<string, string | number | undefined>;
    body?: JsonObject;
    signal?: AbortSignal;
    /** Statuses the caller judges itself (e.g. 403 on a write the same key may read: not a sign-in failure). */
    passStatuses?: number[];
  } = {},
): Promise<Cin7Answer> {
  const url = new URL(apiBase(context) + path);
  for (const [name, value] of Object.entries(options.query ?? {}))
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  const response: HttpResponse = await context.http.request({
    method,
    url: url.toString(),
    json: options.body,
    expect: 'json',
    signal: options.signal,
    ...(options.passStatuses ? { passStatuses: options.passStatuses } : {}),
  });
  return cin7AnswerOf(response);
}

/** A response as Cin7's error model reads it: errors from the status or from the body, even under HTTP 200. */
export function cin7AnswerOf(response: HttpResponse): Cin7Answer {
  const data = response.data ?? (response.text.trim() ? response.text : undefined);
  const errors = cin7ErrorsOf(data);
  if (response.status >= 400 && errors.length === 0) {
    errors.push({
      code: response.status,
      message: typeof data === 'string' ? data.slice(0, 500) : `HTTP ${response.status}`,
    });
  }
  return { status: response.status, data, errors };
}

/** For reads and lookups, where a failure ends the operation. */
export async function cin7Get(
  context: HookContext,
  path: string,
  query: Record<string, string | number | undefined>,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const answer = await cin7Call(context, 'GET', path, { query, signal });
  const error = cin7GetError(path, answer);
  if (error) throw error;
  return answer.data as Record<string, unknown>;
}

/** Why a GET answer cannot be used (reads and lookups end on it), or undefined when it is an object. */
export function cin7GetError(path: string, answer: Cin7Answer): AppError | undefined {
  if (answer.errors.length > 0) {
    const text = answer.errors.map((error) => error.message).join('; ');
    return new AppError(answer.status === 404 ? 'E_NOT_FOUND' : 'E_REMOTE', `Cin7 Core refused GET ${path}: ${text}`, {
      status: answer.status,
      errorCode: answer.errors[0]?.code,
    });
  }
  if (!answer.data || typeof answer.data !== 'object' || Array.isArray(answer.data)) {
    return new AppError('E_REMOTE', `Cin7 Core answered GET ${path} with something that is not an object.`);
  }
  return undefined;
}

/**
 * Cin7 writes stamps with 0–7 fraction digits and sometimes without a zone
 * (`…30.39Z`, `…13.913Z`, `2017-12-08T00:00:00`); the tenant stores UTC, so a
 * missing zone means UTC. Returns '' for anything that is not a date.
 */
export function cin7Instant(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') return '';
  const text = value.trim();
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!match) return '';
  const [, date, time = '00:00:00', fraction = '', zone = 'Z'] = match;
  const seconds = time.length === 5 ? `${time}:00` : time;
  const millis = (fraction + '000').slice(0, 3);
  const parsed = Date.parse(`${date}T${seconds}.${millis}${zone}`);
  return Number.isNaN(parsed) ? '' : new Date(parsed).toISOString();
}

/** Plain JSON copy with stamps normalised to ISO UTC (records keep every other value as sent). */
export function normaliseCin7Record(raw: Record<string, unknown>, stampFields: string[]): JsonObject {
  const data = JSON.parse(JSON.stringify(raw)) as JsonObject;
  for (const name of stampFields) {
    const value = data[name];
    if (typeof value === 'string') data[name] = cin7Instant(value) || value;
  }
  // Cin7 prints an unset custom attribute as "" in some answers and null in others (the portal's POST and
  // GET supplier examples): one form, null, so diffs and sources never see a change that is not there.
  for (let slot = 1; slot <= 10; slot += 1) {
    const name = `AdditionalAttribute${slot}`;
    if (data[name] === '') data[name] = null;
  }
  return data;
}

export function asString(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}
