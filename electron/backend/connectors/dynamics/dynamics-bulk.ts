import { AppError } from '../../../../shared/errors';
import type { JsonObject, JsonValue, WriteOptions, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { withQuery } from '../framework/paginator';
import {
  boundaryOf,
  closingLine,
  newBoundary,
  parseBatchResponse,
  partError,
  serialisePart,
  type PartRequest,
} from './dynamics-batch';
import { entitySetOf, primaryIdOf } from './dynamics.descriptor';
import { alternateKeySegment, apiBaseOf, headerValue, odataHeaders, odataLiteral, withoutKeys } from './dynamics-odata';

/**
 * The Dataverse bulk path (Microsoft Learn, "Use bulk operation messages",
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations, and the Web API
 * reference pages of the UpsertMultiple and CreateMultiple actions):
 *
 * 1. One `$batch` of GET parts finds which records already exist by their alternate key (the same
 *    key the normal path upserts by) and their ids.
 * 2. Existing records go out in one `POST /{set}/Microsoft.Dynamics.CRM.UpsertMultiple`, each target
 *    with `@odata.type` and an `@odata.id` naming the record found — UpsertMultiple answers
 *    204 with no body ("The UpsertMultipleResponse complex type is not returned"), so created and
 *    updated could not be told apart, nor new ids learnt, without step 1. They are reported `updated`
 *    with the id found.
 * 3. New records go out in one `POST /{set}/Microsoft.Dynamics.CRM.CreateMultiple`, whose
 *    `CreateMultipleResponse.Ids` gives the new ids in target order. They are reported `created`.
 *
 * Both messages are all-or-nothing on standard tables: one bad record fails the call and nothing of
 * it is written. Then the call's records are written again one request each through the normal
 * `$batch` path (continue-on-error), so good records are saved and each bad one carries its own
 * error; the run is told so through `onWarning`. A record created by someone else between step 1
 * and step 3 makes CreateMultiple fail on its duplicate key, and the fallback upserts it correctly.
 */

/** Values per lookup part: keeps each part's URL far below Dataverse's URL length limit. */
const lookupChunk = 50;

/** How the normal per-record path writes records (the fallback), injected to keep the modules apart. */
export type PerRecordWrite = (records: JsonObject[]) => Promise<WriteResult[]>;

export async function writeDynamicsBulk(
  context: HookContext,
  entity: string,
  records: JsonObject[],
  matchKey: string[],
  perRecord: PerRecordWrite,
  options: Pick<WriteOptions, 'signal' | 'onWarning'> = {},
): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(records.length);
  const keyed: number[] = [];
  records.forEach((record, index) => {
    if (alternateKeySegment(record, matchKey)) keyed.push(index);
    else
      results[index] = {
        outcome: 'failed',
        error: {
          code: 'E_SYNC_MATCH_KEY_MISSING',
          message: `The record has no value for the alternate key ${matchKey.join(', ')}.`,
          field: matchKey[0],
        },
      };
  });
  if (keyed.length === 0) return results;
  options.signal?.throwIfAborted();
  let found: Map<string, string[]>;
  try {
    found = await findExisting(
      context,
      entity,
      matchKey,
      keyed.map((index) => records[index]!),
      options.signal,
    );
  } catch (error) {
    // Without knowing which records exist the bulk messages cannot report created/updated and ids:
    // the job takes the per-record path, which needs no lookup. Cancellation and HTTP failures the
    // client gave up on (network, quota, auth) stop the write as on the normal path.
    if (!(error instanceof AppError) || error.code !== 'E_REMOTE') throw error;
    options.onWarning?.(
      `${error.message} The ${keyed.length} ${entity} record(s) of this job were written one request each through $batch instead of UpsertMultiple/CreateMultiple.`,
    );
    const answers = await perRecord(keyed.map((index) => records[index]!));
    keyed.forEach((index, position) => {
      results[index] = answers[position] ?? {
        outcome: 'failed',
        error: { code: 'E_SYNC_NO_RESULT', message: 'The per-record write returned no result for this record.' },
      };
    });
    return results;
  }
  // Several records answering one key cannot be told apart: each such record fails, naming them.
  const existing = new Map<string, string>();
  for (const [key, ids] of found) if (ids.length === 1) existing.set(key, ids[0]!);
  const pending = keyed.filter((index) => {
    const ids = found.get(keyText(records[index]!, matchKey)) ?? [];
    if (ids.length > 1) results[index] = ambiguousResult(entity, records[index]!, matchKey, ids);
    return ids.length <= 1;
  });
  const updates = pending.filter((index) => existing.has(keyText(records[index]!, matchKey)));
  const creates = pending.filter((index) => !existing.has(keyText(records[index]!, matchKey)));
  const set = entitySetOf(entity);
  const type = `Microsoft.Dynamics.CRM.${entity}`;
  const headers = odataHeaders({
    'content-type': 'application/json; charset=utf-8',
    ...(context.settings.duplicateDetection === true ? { 'MSCRM.SuppressDuplicateDetection': 'false' } : {}),
  });
  const fallBack = async (action: string, indexes: number[], refusal: string) => {
    options.onWarning?.(
      `Dataverse refused ${action} for ${indexes.length} ${entity} record(s) as a whole (${refusal}); bulk messages are all-or-nothing, so these records were written one request each through $batch instead: the good ones are saved and each failing one carries its own error.`,
    );
    const answers = await perRecord(indexes.map((index) => records[index]!));
    indexes.forEach((index, position) => {
      results[index] = answers[position] ?? {
        outcome: 'failed',
        error: { code: 'E_SYNC_NO_RESULT', message: 'The per-record write returned no result for this record.' },
      };
    });
  };

  if (updates.length > 0) {
    options.signal?.throwIfAborted();
    const response = await context.http.request({
      method: 'POST',
      url: `${apiBaseOf(context)}/${set}/Microsoft.Dynamics.CRM.UpsertMultiple`,
      headers,
      body: JSON.stringify({
        Targets: updates.map((index) => ({
          '@odata.type': type,
          // A relative URL, as Microsoft's UpsertMultiple Web API example names records; by the id the
          // lookup found rather than the alternate key, so a key differing only in case updates that record.
          '@odata.id': `${set}(${existing.get(keyText(records[index]!, matchKey))!})`,
          ...withoutKeys(records[index]!, matchKey),
        })),
      }),
      signal: options.signal,
    });
    if (response.status >= 200 && response.status < 300) {
      for (const index of updates)
        results[index] = { outcome: 'updated', targetKey: existing.get(keyText(records[index]!, matchKey)) };
    } else await fallBack('UpsertMultiple', updates, describe(response.status, response.text));
  }

  if (creates.length > 0) {
    options.signal?.throwIfAborted();
    const response = await context.http.request({
      method: 'POST',
      url: `${apiBaseOf(context)}/${set}/Microsoft.Dynamics.CRM.CreateMultiple`,
      headers,
      body: JSON.stringify({ Targets: creates.map((index) => ({ '@odata.type': type, ...records[index]! })) }),
      expect: 'json',
      signal: options.signal,
    });
    const ids = ((response.data ?? {}) as { Ids?: unknown }).Ids;
    if (response.status >= 200 && response.status < 300 && Array.isArray(ids) && ids.length === creates.length) {
      creates.forEach((index, position) => {
        results[index] = { outcome: 'created', targetKey: String(ids[position]).toLowerCase(), match: { by: 'none' } };
      });
    } else
      await fallBack(
        'CreateMultiple',
        creates,
        response.status < 300
          ? `answered ${creates.length} records with ${Array.isArray(ids) ? ids.length : 'no'} ids`
          : describe(response.status, response.text),
      );
  }
  return results;
}

function describe(status: number, text: string): string {
  const error = partError(status, text);
  return `HTTP ${status} ${error.code}: ${error.message}`;
}

/**
 * Dataverse compares alternate-key values as its (case-insensitive) SQL collation does: match
 * strings case-insensitively so a record differing only in case counts as existing.
 */
export function keyText(record: JsonObject, matchKey: string[]): string {
  return JSON.stringify(
    matchKey.map((name) => {
      const value: JsonValue | undefined = record[name];
      return typeof value === 'string' ? value.toLowerCase() : (value ?? null);
    }),
  );
}

/** The failure of a record whose key several Dataverse records answer: it names the key and their ids. */
export function ambiguousResult(entity: string, record: JsonObject, matchKey: string[], ids: string[]): WriteResult {
  const key = matchKey.map((name) => `${name} ${odataLiteral(record[name])}`).join(', ');
  return {
    outcome: 'failed',
    error: {
      code: 'E_SYNC_AMBIGUOUS',
      message: `Dataverse has ${ids.length} ${entity} records with ${key} (${ids.join(', ')}); the record cannot be paired with one.`,
      field: matchKey[0],
    },
  };
}

/**
 * Ids of the records that exist, by key text (every id, so a caller can refuse a key several
 * records answer): one `$batch` of GET parts with `$filter`, `lookupChunk` keys each. A filter
 * carries key values in the query string, where Dataverse accepts the characters it refuses in a
 * key segment of the path, so this also finds records whose key the URL cannot address.
 */
export async function findExisting(
  context: HookContext,
  entity: string,
  matchKey: string[],
  records: JsonObject[],
  signal?: AbortSignal,
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const base = apiBaseOf(context);
  const apiPath = new URL(base).pathname;
  const primaryId = primaryIdOf(entity);
  const unique = [...new Map(records.map((record) => [keyText(record, matchKey), record])).values()];
  const boundary = newBoundary();
  const parts: string[] = [];
  for (let start = 0; start < unique.length; start += lookupChunk) {
    const filter = unique
      .slice(start, start + lookupChunk)
      .map((record) => {
        const terms = matchKey.map((name) => `${name} eq ${odataLiteral(record[name])}`);
        return terms.length === 1 ? terms[0]! : `(${terms.join(' and ')})`;
      })
      .join(' or ');
    const request: PartRequest = {
      method: 'GET',
      url: withQuery(`${apiPath}/${entitySetOf(entity)}`, {
        $select: [primaryId, ...matchKey.filter((name) => name !== primaryId)].join(','),
        $filter: filter,
      }),
      headers: { accept: 'application/json', prefer: 'odata.maxpagesize=5000' },
    };
    parts.push(serialisePart(boundary, parts.length + 1, request));
  }
  const response = await context.http.request({
    method: 'POST',
    url: `${base}/$batch`,
    headers: odataHeaders({ 'content-type': `multipart/mixed; boundary=${boundary}` }),
    body: parts.join('') + closingLine(boundary),
    signal,
  });
  const answerBoundary = boundaryOf(headerValue(response.headers, 'content-type'));
  const answers = answerBoundary ? parseBatchResponse(response.text, answerBoundary) : [];
  if (answers.length !== parts.length || answers.some((answer) => answer.status !== 200)) {
    const failed = answers.find((answer) => answer.status !== 200);
    const error = failed ? partError(failed.status, failed.body) : partError(response.status, response.text);
    throw new AppError(
      'E_REMOTE',
      `Dataverse did not answer the lookup of existing ${entity} records: ${error.code} ${error.message}.`,
    );
  }
  for (const answer of answers) {
    const rows = ((JSON.parse(answer.body) as { value?: JsonObject[] }).value ?? []) as JsonObject[];
    for (const row of rows) {
      const id = row[primaryId];
      if (typeof id !== 'string') continue;
      const key = keyText(row, matchKey);
      const ids = found.get(key) ?? [];
      if (!ids.includes(id.toLowerCase())) ids.push(id.toLowerCase());
      found.set(key, ids);
    }
  }
  return found;
}
