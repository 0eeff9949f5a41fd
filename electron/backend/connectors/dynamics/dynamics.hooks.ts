import type { JsonObject, WriteResult } from '../framework/connector';
import type { HookContext, TargetHooks } from '../framework/hooks';
import { ambiguousResult, findExisting, keyText, writeDynamicsBulk } from './dynamics-bulk';
import { obtainDynamicsToken, probeDynamics } from './dynamics-auth';
import {
  closingLine,
  groupParts,
  newBoundary,
  parseBatchResponse,
  partError,
  resultOf,
  serialisePart,
  upsertRequest,
  boundaryOf,
  createRequest,
  updateByIdRequest,
  type BatchPart,
  type PartRequest,
} from './dynamics-batch';
import {
  addressableByKey,
  alternateKeySegment,
  apiBaseOf,
  extractDataverseErrorCode,
  headerValue,
  odataHeaders,
} from './dynamics-odata';
import { AppError } from '../../../../shared/errors';
import { lookupDynamicsRecords, normalizeDynamicsRecord, readDynamicsPages } from './dynamics-read';
import { discoverDynamicsSchema } from './dynamics-schema';
import { batchLimits, entitySetOf, primaryIdOf } from './dynamics.descriptor';

/** Observes every `$batch` body sent (sizes, part counts); tests and the bench read it. */
export type BatchObserver = (batch: { bytes: number; requests: number }) => void;

/**
 * Upserts one batch by alternate key through `$batch`: parts grouped so no
 * body exceeds 256 KB or 1,000 requests, every record answered by its own part.
 * A record whose key value holds a character Dataverse refuses in a key segment
 * (`addressableByKey`) is first found by `$filter`, then travels in the same
 * batches as a PATCH by id or a POST; a key several records answer fails that record.
 */
export async function writeDynamicsBatch(
  context: HookContext,
  entity: string,
  records: JsonObject[],
  matchKey: string[],
  observe?: BatchObserver,
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(records.length);
  const base = apiBaseOf(context);
  const apiPath = new URL(base).pathname;
  const set = entitySetOf(entity);
  const primaryId = primaryIdOf(entity);
  const extra: Record<string, string> =
    context.settings.duplicateDetection === true ? { 'MSCRM.SuppressDuplicateDetection': 'false' } : {};
  const boundary = newBoundary();
  const parts: BatchPart[] = [];
  const unaddressable = new Set(
    records.flatMap((record, index) =>
      alternateKeySegment(record, matchKey) && !addressableByKey(record, matchKey) ? [index] : [],
    ),
  );
  const found = await findUnaddressable(
    context,
    entity,
    matchKey,
    [...unaddressable].map((index) => records[index]!),
    signal,
  );
  records.forEach((record, index) => {
    let request: PartRequest | undefined;
    if (found && unaddressable.has(index)) {
      if (found instanceof AppError) {
        results[index] = { outcome: 'failed', error: { code: found.code, message: found.message } };
        return;
      }
      const ids = found.get(keyText(record, matchKey)) ?? [];
      if (ids.length > 1) {
        results[index] = ambiguousResult(entity, record, matchKey, ids);
        return;
      }
      request =
        ids.length === 1
          ? updateByIdRequest(apiPath, set, primaryId, ids[0]!, record, matchKey, extra)
          : createRequest(apiPath, set, primaryId, record, extra);
    } else request = upsertRequest(apiPath, set, primaryId, record, matchKey, extra);
    if (!request) {
      results[index] = {
        outcome: 'failed',
        error: {
          code: 'E_SYNC_MATCH_KEY_MISSING',
          message: `The record has no value for the alternate key ${matchKey.join(', ')}.`,
          field: matchKey[0],
        },
      };
      return;
    }
    const text = serialisePart(boundary, index + 1, request);
    parts.push({ index, text, bytes: Buffer.byteLength(text) });
  });
  for (const group of groupParts(parts, boundary, batchLimits.maxRequests, batchLimits.maxBodyBytes)) {
    signal?.throwIfAborted();
    const body = group.map((part) => part.text).join('') + closingLine(boundary);
    observe?.({ bytes: Buffer.byteLength(body), requests: group.length });
    const response = await context.http.request({
      method: 'POST',
      url: `${base}/$batch`,
      headers: odataHeaders({
        'content-type': `multipart/mixed; boundary=${boundary}`,
        prefer: 'odata.continue-on-error',
      }),
      body,
      signal,
    });
    const answerBoundary = boundaryOf(headerValue(response.headers, 'content-type'));
    const answers = answerBoundary ? parseBatchResponse(response.text, answerBoundary) : [];
    if (answers.length === 0) {
      // The batch itself was refused (malformed, too large, …): every record carries that answer.
      const error = partError(response.status, response.text);
      for (const part of group) results[part.index] = { outcome: 'failed', error };
      continue;
    }
    group.forEach((part, position) => {
      const answer = answers.find((candidate) => candidate.contentId === String(part.index + 1)) ?? answers[position];
      results[part.index] = answer
        ? resultOf(answer, primaryId)
        : {
            outcome: 'failed',
            // Stop-on-error batches leave the rest unanswered; they were not run.
            error: {
              code: 'E_SYNC_NO_RESULT',
              message: 'Dataverse did not run this request: an earlier request of the batch failed.',
            },
          };
    });
  }
  return results;
}

/**
 * Ids by key text of the records whose keys the URL cannot carry (undefined when there are none).
 * A lookup Dataverse refused (`E_REMOTE`) is returned so those records fail with it and the rest
 * are still written; cancellation and errors the client gave up on stop the write.
 */
async function findUnaddressable(
  context: HookContext,
  entity: string,
  matchKey: string[],
  records: JsonObject[],
  signal?: AbortSignal,
): Promise<Map<string, string[]> | AppError | undefined> {
  if (records.length === 0) return undefined;
  try {
    return await findExisting(context, entity, matchKey, records, signal);
  } catch (error) {
    if (error instanceof AppError && error.code === 'E_REMOTE') return error;
    throw error;
  }
}

export function dynamicsHooks(observe?: BatchObserver): TargetHooks {
  return {
    obtainToken: obtainDynamicsToken,
    extractErrorCode: extractDataverseErrorCode,
    // The org URL and API version have defaults the descriptor's `baseUrl` template cannot state.
    readRequest: (context) => ({ base: apiBaseOf(context), headers: odataHeaders() }),
    normalize: (_context, entity, raw) => normalizeDynamicsRecord(entity, raw),
    // Keyset paging that notices records changing under it, and change tracking for deletions.
    readPages: readDynamicsPages,
    writeBatch: (context, entity, records, matchKey) => writeDynamicsBatch(context, entity, records, matchKey, observe),
    writeBulk: (context, entity, records, matchKey, options) =>
      writeDynamicsBulk(
        context,
        entity,
        records,
        matchKey,
        (some) => writeDynamicsBatch(context, entity, some, matchKey, observe, options?.signal),
        options,
      ),
    discoverSchema: discoverDynamicsSchema,
    lookup: lookupDynamicsRecords,
    probe: probeDynamics,
  };
}
