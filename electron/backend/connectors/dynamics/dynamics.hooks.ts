import type { JsonObject, WriteResult } from '../framework/connector';
import type { HookContext, TargetHooks } from '../framework/hooks';
import { writeDynamicsBulk } from './dynamics-bulk';
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
  type BatchPart,
} from './dynamics-batch';
import { apiBaseOf, extractDataverseErrorCode, headerValue, odataHeaders } from './dynamics-odata';
import { lookupDynamicsRecords, normalizeDynamicsRecord, readDynamicsPages } from './dynamics-read';
import { discoverDynamicsSchema } from './dynamics-schema';
import { batchLimits, entitySetOf, primaryIdOf } from './dynamics.descriptor';

/** Observes every `$batch` body sent (sizes, part counts); tests and the bench read it. */
export type BatchObserver = (batch: { bytes: number; requests: number }) => void;

/**
 * Upserts one batch by alternate key through `$batch`: parts grouped so no
 * body exceeds 256 KB or 1,000 requests, every record answered by its own part.
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
  records.forEach((record, index) => {
    const request = upsertRequest(apiPath, set, primaryId, record, matchKey, extra);
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
