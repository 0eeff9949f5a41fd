import { AppError } from '../../../../shared/errors';
import type { JsonObject, JsonValue, WriteMatch, WriteResult } from '../framework/connector';
import { writeEndpoint, type HookContext } from '../framework/hooks';
import { ticketForWire, zendeskCall, zendeskError, zendeskGet } from './zendesk-http';
import { sleep } from '../../util/sleep';
import { matchJobResults, unmatchedResult } from './zendesk-job-results';

export const text = (value: JsonValue | undefined) =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';

export function matchOf(record: JsonObject, keys: Array<'id' | 'external_id' | 'email'>): WriteMatch {
  for (const key of keys) if (text(record[key])) return { by: key, value: text(record[key]) };
  return { by: 'none' };
}

/** Tickets have no upsert: an `id` updates, else an `external_id` is looked up first. */
export async function writeTicket(context: HookContext, record: JsonObject): Promise<WriteResult> {
  let id = text(record.id);
  let match: WriteMatch = id ? { by: 'id', value: id } : { by: 'none' };
  const externalId = text(record.external_id);
  if (!id && externalId) {
    const found = await zendeskGet(context, `/tickets?external_id=${encodeURIComponent(externalId)}`);
    const first = (found.tickets as JsonObject[] | undefined)?.[0];
    if (first) {
      id = text(first.id);
      match = { by: 'external_id', value: externalId };
    }
  }
  const { id: _id, ...fields } = ticketForWire(record);
  // A comment is how a ticket starts; on update it would add a reply, so it is only sent on create.
  const body = id ? { ticket: { ...fields, comment: undefined } } : { ticket: fields };
  const answer = await zendeskCall(
    context,
    id ? 'PUT' : 'POST',
    id ? `${writeEndpoint(context, 'tickets')}/${id}` : writeEndpoint(context, 'tickets'),
    body,
  );
  if (answer.status >= 400)
    return { outcome: 'failed', targetKey: id || undefined, match, error: zendeskError(answer) };
  const ticket = (answer.data as { ticket?: JsonObject } | undefined)?.ticket;
  return { outcome: id ? 'updated' : 'created', targetKey: text(ticket?.id) || id, match };
}

export interface JobResult {
  id?: number | string;
  index?: number;
  status?: string;
  success?: boolean;
  action?: string;
  error?: string;
  details?: string;
  email?: string;
  external_id?: string;
}

export interface JobStatus {
  id: string;
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed';
  message?: string | null;
  results?: JobResult[] | null;
}

/** Polls a job until it ends; short first waits because small jobs finish in well under a second. */
export async function awaitJob(
  context: HookContext,
  job: JobStatus,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<JobStatus> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = 100;
  let current = job;
  while (current.status === 'queued' || current.status === 'working') {
    if (Date.now() + delay > deadline) {
      throw new AppError(
        'E_REMOTE',
        `Zendesk job ${job.id} did not finish within ${Math.round(options.timeoutMs / 1000)} s (last status: ${current.status}).`,
        { jobId: job.id },
      );
    }
    await sleep(delay, options.signal);
    delay = Math.min(delay * 2, 5_000);
    const answer = await zendeskCall(
      context,
      'GET',
      `/job_statuses/${encodeURIComponent(job.id)}`,
      undefined,
      options.signal,
    );
    if (answer.status === 404) {
      throw new AppError(
        'E_REMOTE',
        `Zendesk no longer knows job ${job.id} (job statuses are kept only for a while); its records must be checked and replayed.`,
        { jobId: job.id },
      );
    }
    if (answer.status >= 400)
      throw new AppError('E_REMOTE', `Zendesk refused the job status call: ${zendeskError(answer).message}`, {
        jobId: job.id,
      });
    current = (answer.data as { job_status: JobStatus }).job_status;
  }
  return current;
}

/** Said in the run whenever users go one at a time, so a slow user sync explains itself. */
export const singleUserWritesWarning =
  'Zendesk bulk user import is off on this account (HTTP 403 from /users/create_or_update_many, the default until ' +
  'Zendesk Customer Support enables it: https://support.zendesk.com/hc/en-us/articles/4408843597850), so users are ' +
  'written one at a time with /users/create_or_update within the rate limit: one call per user instead of one per 100.';

/** What a connection remembers between batches: once refused, bulk import is not asked for again. */
export interface UserWriteMemory {
  bulkImportRefused: boolean;
}

export interface ZendeskWriteOptions {
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
}

/**
 * POST /users/create_or_update_many (≤100), then the job's results, mapped back to input order.
 * On a stock tenant (bulk import off → 403) the batch, and every later one on this connection,
 * goes through /users/create_or_update one user at a time; the run is told so.
 */
export async function writeUsers(
  context: HookContext,
  records: JsonObject[],
  memory: UserWriteMemory,
  options: ZendeskWriteOptions = {},
): Promise<WriteResult[]> {
  const { signal } = options;
  if (memory.bulkImportRefused) return writeUsersOneByOne(context, records, options);
  const answer = await zendeskCall(context, 'POST', writeEndpoint(context, 'users'), { users: records }, signal);
  if (answer.status === 403) {
    memory.bulkImportRefused = true;
    return writeUsersOneByOne(context, records, options);
  }
  if (answer.status >= 400) {
    const error = zendeskError(answer);
    return records.map((record) => ({ outcome: 'failed', match: matchOf(record, ['external_id', 'email']), error }));
  }
  const queued = (answer.data as { job_status: JobStatus }).job_status;
  const timeoutMs = Number(context.settings.jobTimeoutSeconds ?? 600) * 1000;
  const done = await awaitJob(context, queued, { timeoutMs, signal });
  if (done.status !== 'completed') {
    const message = done.message || `Zendesk job ${done.id} ended as ${done.status}.`;
    return records.map((record) => ({
      outcome: 'failed',
      match: matchOf(record, ['external_id', 'email']),
      error: { code: `job_${done.status}`, message },
    }));
  }
  return mapJobResults(records, done.results ?? [], done.id);
}

/**
 * POST /users/create_or_update per user (matched on external_id or e-mail; 201 created, 200 updated,
 * 422 with Zendesk's details). As many at once as the descriptor's concurrency; the shared client's
 * limiter keeps them within the per-minute limit and rides out 429 + Retry-After.
 */
async function writeUsersOneByOne(
  context: HookContext,
  records: JsonObject[],
  options: ZendeskWriteOptions,
): Promise<WriteResult[]> {
  options.onWarning?.(singleUserWritesWarning);
  const results: WriteResult[] = new Array(records.length);
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const position = next++;
      const record = records[position] as JsonObject;
      options.signal?.throwIfAborted();
      const answer = await zendeskCall(context, 'POST', '/users/create_or_update', { user: record }, options.signal);
      const match = matchOf(record, ['external_id', 'email']);
      const user = (answer.data as { user?: JsonObject } | undefined)?.user;
      results[position] =
        answer.status >= 400
          ? { outcome: 'failed', match, error: zendeskError(answer) }
          : answer.status === 201
            ? { outcome: 'created', targetKey: text(user?.id) || undefined, match: { by: 'none' } }
            : { outcome: 'updated', targetKey: text(user?.id) || undefined, match };
    }
  };
  const lanes = Math.max(1, Math.min(context.descriptor.rateLimit.concurrency, records.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return results;
}

/**
 * A users job's results mapped back to the records (`matchJobResults`: by `index`, e-mail or external
 * id, by position only when the counts match and the keys agree). A record no result is surely tied to
 * fails, naming it, rather than taking a neighbour's id or outcome. Each failure keeps Zendesk's own
 * `error` code and `details` text.
 */
export function mapJobResults(records: JsonObject[], results: JobResult[], jobId: string): WriteResult[] {
  const matched = matchJobResults(
    records.map((record, index) => ({ index, email: text(record.email), externalId: text(record.external_id) })),
    results,
  );
  return records.map((record, position) => {
    const result = matched[position];
    const match = matchOf(record, ['external_id', 'email']);
    if (!result)
      return {
        outcome: 'failed',
        match,
        error: unmatchedResult(jobId, text(record.email) || text(record.external_id) || `record ${position + 1}`),
      };
    const status = (result.status ?? result.action ?? '').toLowerCase();
    if (status === 'failed' || result.success === false || result.error) {
      return {
        outcome: 'failed',
        match,
        error: {
          code: result.error ?? 'Failed',
          message: result.details ?? result.error ?? 'Zendesk did not say why.',
        },
      };
    }
    const created = status === 'created' || status === 'create';
    return {
      outcome: created ? 'created' : 'updated',
      targetKey: text(result.id as JsonValue) || undefined,
      match: created ? { by: 'none' } : match,
    };
  });
}
