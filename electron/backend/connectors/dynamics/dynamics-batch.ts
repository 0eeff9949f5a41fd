import { randomUUID } from 'node:crypto';
import type { JsonObject, WriteResult } from '../framework/connector';
import { batchLimits, duplicateDetectedCode } from './dynamics.descriptor';
import { alternateKeySegment, idFromEntityUrl, parseDataverseError, withoutKeys } from './dynamics-odata';

/**
 * Dataverse `$batch` (API-FACTS §5.3): one `multipart/mixed` body of
 * individual requests — not change sets, which are atomic and would fail
 * good records with a bad one — sent with `Prefer: odata.continue-on-error`
 * so every part answers for itself, in order.
 */

const crlf = '\r\n';

export interface BatchPart {
  /** Position of the record in the caller's batch. */
  index: number;
  /** Serialised part including its leading boundary line. */
  text: string;
  bytes: number;
}

export interface PartRequest {
  method: 'PATCH' | 'POST' | 'GET';
  /** Path from the host, e.g. `/api/data/v9.2/accounts(accountnumber='A-1')?$select=accountid`. */
  url: string;
  headers?: Record<string, string>;
  body?: JsonObject;
}

/** Request of one upsert by alternate key; `undefined` when the record lacks a key value. */
export function upsertRequest(
  apiPath: string,
  set: string,
  primaryId: string,
  record: JsonObject,
  matchKey: string[],
  extraHeaders: Record<string, string> = {},
): PartRequest | undefined {
  const key = alternateKeySegment(record, matchKey);
  if (!key) return undefined;
  return {
    method: 'PATCH',
    // return=representation turns the 204 into 201 (created) / 200 (updated); $select keeps the answer small.
    url: `${apiPath}/${set}${key}?$select=${primaryId}`,
    headers: { prefer: 'return=representation', ...extraHeaders },
    body: withoutKeys(record, matchKey),
  };
}

/**
 * Update of a record found by id (`accounts(<guid>)`), for keys the URL cannot carry. `If-Match: *`
 * makes it an update only: a record deleted since it was found answers 404 rather than being
 * created again under its old id (Microsoft Learn, "Update and delete table rows using the Web
 * API", prevent create in upsert). The key columns stay out of the body as on the upsert path.
 */
export function updateByIdRequest(
  apiPath: string,
  set: string,
  primaryId: string,
  id: string,
  record: JsonObject,
  matchKey: string[],
  extraHeaders: Record<string, string> = {},
): PartRequest {
  return {
    method: 'PATCH',
    url: `${apiPath}/${set}(${id})?$select=${primaryId}`,
    headers: { prefer: 'return=representation', 'If-Match': '*', ...extraHeaders },
    body: withoutKeys(record, matchKey),
  };
}

/**
 * Create of a record none answers by key, for keys the URL cannot carry: `POST /{set}` with the key
 * columns in the body; `return=representation` answers 201 with the new id, as the upsert does.
 */
export function createRequest(
  apiPath: string,
  set: string,
  primaryId: string,
  record: JsonObject,
  extraHeaders: Record<string, string> = {},
): PartRequest {
  return {
    method: 'POST',
    url: `${apiPath}/${set}?$select=${primaryId}`,
    headers: { prefer: 'return=representation', ...extraHeaders },
    body: record,
  };
}

export function serialisePart(boundary: string, contentId: number, request: PartRequest): string {
  const lines = [
    `--${boundary}`,
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    `Content-ID: ${contentId}`,
    '',
    `${request.method} ${request.url} HTTP/1.1`,
  ];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  if (request.body !== undefined) lines.push('Content-Type: application/json; charset=utf-8');
  lines.push('', request.body === undefined ? '' : JSON.stringify(request.body));
  return lines.join(crlf) + crlf;
}

export const newBoundary = (): string => `batch_${randomUUID()}`;
export const closingLine = (boundary: string): string => `--${boundary}--${crlf}`;

/**
 * Groups parts into bodies of at most `maxRequests` parts and `maxBodyBytes`
 * bytes (closing boundary included). A part too big on its own travels alone:
 * the server rejects it, and that rejection is reported for that record only.
 */
export function groupParts(
  parts: BatchPart[],
  boundary: string,
  maxRequests: number = batchLimits.maxRequests,
  maxBodyBytes: number = batchLimits.maxBodyBytes,
): BatchPart[][] {
  const closing = Buffer.byteLength(closingLine(boundary));
  const groups: BatchPart[][] = [];
  let current: BatchPart[] = [];
  let size = closing;
  for (const part of parts) {
    if (current.length > 0 && (current.length >= maxRequests || size + part.bytes > maxBodyBytes)) {
      groups.push(current);
      current = [];
      size = closing;
    }
    current.push(part);
    size += part.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export interface PartResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  contentId?: string;
}

/** Boundary parameter of a `multipart/mixed` content type. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /boundary=("?)([^";,]+)\1/i.exec(contentType ?? '');
  return match?.[2];
}

/**
 * Parses a `$batch` response body into its HTTP answers in order; change-set
 * answers are flattened in their own order and keep their `Content-ID`.
 */
export function parseBatchResponse(body: string, boundary: string): PartResponse[] {
  const answers: PartResponse[] = [];
  const delimiter = `--${boundary}`;
  const sections = body.split(delimiter).slice(1);
  for (const section of sections) {
    if (section.startsWith('--')) break;
    const { headers: mimeHeaders, rest } = splitHead(section.replace(/^\r?\n/, ''));
    const nested = boundaryOf(mimeHeaders['content-type']);
    if (nested && /multipart\/mixed/i.test(mimeHeaders['content-type'] ?? '')) {
      answers.push(...parseBatchResponse(rest, nested));
      continue;
    }
    const statusLine = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r?\n/.exec(rest);
    if (!statusLine) continue;
    const { headers, rest: payload } = splitHead(rest.slice(statusLine[0].length));
    answers.push({
      status: Number(statusLine[1]),
      headers,
      body: payload.replace(/\r?\n$/, ''),
      contentId: mimeHeaders['content-id'],
    });
  }
  return answers;
}

function splitHead(text: string): { headers: Record<string, string>; rest: string } {
  const headers: Record<string, string> = {};
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  const rest = end ? text.slice(end.index + end[0].length) : '';
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest };
}

/** One record's outcome from its part's answer. */
export function resultOf(answer: PartResponse, primaryId: string): WriteResult {
  if (answer.status >= 200 && answer.status < 300) {
    let targetKey = idFromEntityUrl(answer.headers['odata-entityid']);
    if (!targetKey && answer.body.trim()) {
      try {
        const value = (JSON.parse(answer.body) as Record<string, unknown>)[primaryId];
        if (typeof value === 'string') targetKey = value;
      } catch {
        // The id from the header is enough; a body we cannot read does not fail a written record.
      }
    }
    return { outcome: answer.status === 201 ? 'created' : 'updated', targetKey };
  }
  return { outcome: 'failed', error: partError(answer.status, answer.body) };
}

/** The target's own code and text; duplicates are recognised by code whatever the status (500 or 412). */
export function partError(status: number, body: string): NonNullable<WriteResult['error']> {
  const error = parseDataverseError(body);
  const code = error?.code || `HTTP ${status}`;
  const message = error?.message || body.trim().slice(0, 500) || `HTTP ${status}`;
  const field = fieldOf(message);
  if (code.toLowerCase() === duplicateDetectedCode) {
    return { code, message: `Duplicate detected: ${message}`, ...(field ? { field } : {}) };
  }
  return field ? { code, message, field } : { code, message };
}

/** Column named by Dataverse validation messages (`The length of the 'name' attribute …`, `property named 'x'`). */
function fieldOf(message: string): string | undefined {
  const match =
    /'([A-Za-z0-9_]+)' attribute/.exec(message) ??
    /of '([A-Za-z0-9_]+)' on record/.exec(message) ??
    /property named '([A-Za-z0-9_@.]+)'/.exec(message) ??
    /Attribute: ([A-Za-z0-9_]+)/.exec(message);
  return match?.[1];
}
