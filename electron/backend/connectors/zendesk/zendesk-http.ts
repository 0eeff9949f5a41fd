import { AppError } from '../../../../shared/errors';
import type { HttpMethod } from '../../http/http-client';
import type { JsonObject } from '../framework/connector';
import type { HookContext } from '../framework/hooks';

export interface ZendeskAnswer {
  status: number;
  data: unknown;
  text: string;
}

export function zendeskBase(context: HookContext): string {
  return context.url(context.descriptor.baseUrl).replace(/\/+$/, '');
}

/** One API call; `target` is a path under /api/v2 or a full URL the API handed back (`links.next`). */
export async function zendeskCall(
  context: HookContext,
  method: HttpMethod,
  target: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<ZendeskAnswer> {
  const url = /^https?:\/\//.test(target) ? target : zendeskBase(context) + target;
  const response = await context.http.request({
    method,
    url,
    json: body,
    expect: 'json',
    signal,
  });
  return { status: response.status, data: response.data, text: response.text };
}

/** Zendesk's own words for a failed call: `{error, description, details: {field: [{description, error}]}}`, `{errors: [...]}` or text. */
export function zendeskError(answer: ZendeskAnswer): { code: string; message: string; field?: string } {
  const body = answer.data as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') {
    const details = body.details as Record<string, Array<{ description?: string; error?: string }>> | undefined;
    if (details && typeof details === 'object') {
      const entries = Object.entries(details).flatMap(([name, items]) =>
        Array.isArray(items) ? items.map((item) => ({ name, ...item })) : [],
      );
      if (entries.length > 0) {
        return {
          code: String(body.error ?? entries[0]?.error ?? answer.status),
          message: entries.map((entry) => entry.description ?? entry.error ?? name(entry)).join('; '),
          field: entries[0]?.name,
        };
      }
    }
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      const first = body.errors[0] as { code?: string; title?: string; detail?: string };
      return {
        code: String(first.code ?? answer.status),
        message: String(first.detail ?? first.title ?? 'Zendesk refused the request.'),
      };
    }
    if (typeof body.error === 'string' || typeof body.description === 'string') {
      const error = body.error as string | { title?: string; message?: string } | undefined;
      const text = typeof error === 'object' ? (error.message ?? error.title) : undefined;
      return {
        code: typeof body.error === 'string' ? body.error : String(answer.status),
        message: String(body.description ?? text ?? body.error),
      };
    }
  }
  return { code: String(answer.status), message: answer.text.trim().slice(0, 500) || `HTTP ${answer.status}` };
}

const name = (entry: { name: string }) => entry.name;

/** GET that must succeed; failures end the operation with Zendesk's text. */
export async function zendeskGet(
  context: HookContext,
  target: string,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  const answer = await zendeskCall(context, 'GET', target, undefined, signal);
  if (answer.status >= 400) {
    const error = zendeskError(answer);
    throw new AppError(
      answer.status === 404 ? 'E_NOT_FOUND' : answer.status === 403 ? 'E_AUTH_FAILED' : 'E_REMOTE',
      `Zendesk refused GET ${target.split('?')[0]}: ${error.message}`,
      {
        status: answer.status,
        code: error.code,
      },
    );
  }
  return (answer.data ?? {}) as Record<string, unknown>;
}

/** Ticket custom fields are `[{id, value}]` on the wire; mappings write them as `{ "<id>": value }`. */
export function ticketForWire(record: JsonObject): JsonObject {
  const custom = record.custom_fields;
  if (!custom || typeof custom !== 'object' || Array.isArray(custom)) return record;
  return { ...record, custom_fields: Object.entries(custom).map(([id, value]) => ({ id: Number(id), value })) };
}

export function ticketFromWire(record: JsonObject): JsonObject {
  const custom = record.custom_fields;
  if (!Array.isArray(custom)) return record;
  return {
    ...record,
    custom_fields: Object.fromEntries(
      custom.map((item) => [String((item as JsonObject).id), (item as JsonObject).value ?? null]),
    ),
  };
}
