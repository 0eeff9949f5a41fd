import { randomUUID } from 'node:crypto';
import type { DataverseStore } from './dynamics-store';
import { DataverseFault } from './dynamics-store';
import { errorBody, type ApiRequest, type ApiResponse, type DataverseWebApi } from './dynamics-web-api';
import type { TableSpec } from './dynamics-tables';

/**
 * `POST /$batch` (API-FACTS §5.3): `multipart/mixed` of individual requests
 * and change sets. Default stop-on-error → outer 400 holding the failed part;
 * `Prefer: odata.continue-on-error` → outer 200 with one answer per request.
 * Change sets are atomic and may reference earlier parts as `$n`.
 */

interface PartRequest {
  contentId?: string;
  method: string;
  /** After `/api/data/v9.2/`, still encoded, with the query string. */
  target: string;
  headers: Record<string, string>;
  body: string;
}

type BatchItem = { kind: 'request'; request: PartRequest } | { kind: 'changeset'; requests: PartRequest[] };

export interface BatchRecord {
  bytes: number;
  requests: number;
  changesets: number;
  continueOnError: boolean;
  status: number;
  failed: number;
}

export interface BatchOutcome {
  status: number;
  headers: Record<string, string>;
  body: string;
  record: BatchRecord;
}

const crlf = '\r\n';

export function runBatch(
  api: DataverseWebApi,
  store: DataverseStore,
  contentType: string,
  raw: string,
  prefer: string,
  maxRequests: number,
  bytes: number,
): BatchOutcome {
  const continueOnError = /odata\.continue-on-error/.test(prefer);
  const record: BatchRecord = { bytes, requests: 0, changesets: 0, continueOnError, status: 200, failed: 0 };
  const boundary = /boundary=("?)([^";,]+)\1/i.exec(contentType)?.[2];
  const fail = (code: string, message: string): BatchOutcome => {
    record.status = 400;
    return {
      status: 400,
      headers: { 'content-type': 'application/json; charset=utf-8', 'odata-version': '4.0' },
      body: errorBody(code, message),
      record,
    };
  };
  if (!/^multipart\/mixed/i.test(contentType) || !boundary)
    return fail('0x80048d19', 'The content type of a $batch request must be multipart/mixed with a boundary.');
  let items: BatchItem[];
  try {
    items = parseItems(raw, boundary);
  } catch (error) {
    return fail('0x80048d19', error instanceof Error ? error.message : 'The batch body could not be read.');
  }
  record.requests = items.reduce((sum, item) => sum + (item.kind === 'request' ? 1 : item.requests.length), 0);
  record.changesets = items.filter((item) => item.kind === 'changeset').length;
  // Limit and wording unconfirmed: Dataverse documents the 1,000 cap, not its error text.
  if (record.requests > maxRequests)
    return fail(
      '0x80060891',
      `The number of requests in a batch (${record.requests}) exceeds the limit of ${maxRequests}.`,
    );

  const answer = `batchresponse_${randomUUID()}`;
  const chunks: string[] = [];
  let status = 200;
  for (const item of items) {
    if (item.kind === 'request') {
      const response = api.handle(toApi(item.request));
      if (response.status >= 400) record.failed += 1;
      if (response.status >= 400 && !continueOnError) {
        status = 400;
        chunks.splice(0, chunks.length, httpPart(answer, response));
        break;
      }
      chunks.push(httpPart(answer, response));
      continue;
    }
    const result = runChangeset(api, store, item.requests);
    if ('failure' in result) {
      record.failed += 1;
      if (!continueOnError) {
        status = 400;
        chunks.splice(0, chunks.length, httpPart(answer, result.failure));
        break;
      }
      chunks.push(httpPart(answer, result.failure));
      continue;
    }
    const inner = `changesetresponse_${randomUUID()}`;
    const body =
      result.responses.map(({ contentId, response }) => httpPart(inner, response, contentId)).join('') +
      `--${inner}--${crlf}`;
    chunks.push(`--${answer}${crlf}Content-Type: multipart/mixed; boundary=${inner}${crlf}${crlf}${body}`);
  }
  record.status = status;
  return {
    status,
    headers: { 'content-type': `multipart/mixed; boundary=${answer}`, 'odata-version': '4.0' },
    body: chunks.join('') + `--${answer}--${crlf}`,
    record,
  };
}

function runChangeset(
  api: DataverseWebApi,
  store: DataverseStore,
  requests: PartRequest[],
): { responses: Array<{ contentId?: string; response: ApiResponse }> } | { failure: ApiResponse } {
  const contentIds = new Map<string, { table: TableSpec; id: string }>();
  try {
    return store.atomic(() => {
      const responses: Array<{ contentId?: string; response: ApiResponse }> = [];
      for (const request of requests) {
        if (request.method === 'GET')
          throw new DataverseFault(400, '0x80048d19', 'A change set cannot contain GET requests.');
        const response = api.handle({ ...toApi(request), contentIds });
        if (response.status >= 400) throw new ChangesetFailed(response);
        if (request.contentId && response.entity) contentIds.set(request.contentId, response.entity);
        responses.push({ contentId: request.contentId, response });
      }
      return { responses };
    });
  } catch (error) {
    if (error instanceof ChangesetFailed) return { failure: error.response };
    if (error instanceof DataverseFault)
      return {
        failure: {
          status: error.status,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: errorBody(error.code, error.message),
        },
      };
    throw error;
  }
}

class ChangesetFailed extends Error {
  constructor(readonly response: ApiResponse) {
    super('change set failed');
  }
}

function toApi(request: PartRequest): ApiRequest {
  const question = request.target.indexOf('?');
  const path = question < 0 ? request.target : request.target.slice(0, question);
  const query = new URLSearchParams(question < 0 ? '' : request.target.slice(question + 1));
  return { method: request.method, path, query, headers: request.headers, body: request.body };
}

const reasons: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

function httpPart(boundary: string, response: ApiResponse, contentId?: string): string {
  const lines = [`--${boundary}`, 'Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `HTTP/1.1 ${response.status} ${reasons[response.status] ?? ''}`.trimEnd());
  for (const [name, value] of Object.entries(response.headers)) lines.push(`${headerCase(name)}: ${value}`);
  lines.push('', response.body ?? '');
  return lines.join(crlf) + crlf;
}

function headerCase(name: string): string {
  if (name === 'odata-entityid') return 'OData-EntityId';
  if (name === 'odata-version') return 'OData-Version';
  return name.replace(/(^|-)([a-z])/g, (_whole, dash: string, letter: string) => dash + letter.toUpperCase());
}

function parseItems(raw: string, boundary: string): BatchItem[] {
  const items: BatchItem[] = [];
  for (const section of sections(raw, boundary)) {
    const { headers, rest } = splitHead(section);
    const nested = /boundary=("?)([^";,]+)\1/i.exec(headers['content-type'] ?? '')?.[2];
    if (nested && /multipart\/mixed/i.test(headers['content-type'] ?? '')) {
      items.push({ kind: 'changeset', requests: sections(rest, nested).map((part) => parseRequest(part)) });
    } else items.push({ kind: 'request', request: parseRequest(section) });
  }
  return items;
}

function sections(raw: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const pieces = raw.split(delimiter);
  const out: string[] = [];
  for (const piece of pieces.slice(1)) {
    if (piece.startsWith('--')) break;
    out.push(piece.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
  }
  if (out.length === 0) throw new Error('The batch body holds no parts for its boundary.');
  return out;
}

function parseRequest(section: string): PartRequest {
  const { headers: mime, rest } = splitHead(section);
  const line = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r?\n?/.exec(rest);
  if (!line) throw new Error('A batch part does not start with an HTTP request line.');
  const { headers, rest: body } = splitHead(rest.slice(line[0].length));
  return { contentId: mime['content-id'], method: line[1]!, target: serviceRelative(line[2]!), headers, body };
}

/** `https://org/api/data/v9.2/accounts`, `/api/data/v9.2/accounts` or `accounts` → `accounts`. */
function serviceRelative(url: string): string {
  const withoutOrigin = url.replace(/^https?:\/\/[^/]+/, '');
  const match = /^\/?api\/data\/v[\d.]+\/(.*)$/.exec(withoutOrigin);
  return match ? match[1]! : withoutOrigin.replace(/^\//, '');
}

function splitHead(text: string): { headers: Record<string, string>; rest: string } {
  const headers: Record<string, string> = {};
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, rest: end ? text.slice(end.index + end[0].length) : '' };
}
