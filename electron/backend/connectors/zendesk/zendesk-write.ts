import { AppError } from '../../../../shared/errors';
import type { JsonObject, JsonValue, WriteMatch, WriteResult } from '../framework/connector';
import { writeEndpoint, type HookContext } from '../framework/hooks';
import { ticketForWire, zendeskCall, zendeskError, zendeskGet } from './zendesk-http';

const text = (value: JsonValue | undefined) =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';

function matchOf(record: JsonObject, keys: Array<'id' | 'external_id' | 'email'>): WriteMatch {
  for (const key of keys) if (text(record[key])) return { by: key, value: text(record[key]) };
  return { by: 'none' };
}

/** POST /organizations/create_or_update: 201 created, 200 updated, 422 RecordInvalid with Zendesk's details. */
export async function writeOrganization(context: HookContext, record: JsonObject): Promise<WriteResult> {
  const answer = await zendeskCall(context, 'POST', writeEndpoint(context, 'organizations'), { organization: record });
  const match = matchOf(record, ['id', 'external_id']);
  if (answer.status >= 400) return { outcome: 'failed', match, error: zendeskError(answer) };
  const organization = (answer.data as { organization?: JsonObject } | undefined)?.organization;
  const created = answer.status === 201;
  return {
    outcome: created ? 'created' : 'updated',
    targetKey: text(organization?.id) || undefined,
    match: created ? { by: 'none' } : match,
  };
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

interface JobStatus {
  id: string;
  status: 'queued' | 'working' | 'completed' | 'failed' | 'killed';
  message?: string | null;
  results?: JobResult[] | null;
}

const sleep = (milliseconds: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, milliseconds);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

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

export const bulkImportDisabledHelp =
  'Zendesk refused the bulk user import (HTTP 403). Bulk user imports are off by default in every Zendesk account: ' +
  'the account owner must ask Zendesk Customer Support to enable them ' +
  '(https://support.zendesk.com/hc/en-us/articles/4408843597850). Until then users cannot be synced in batches; ' +
  'also check that the credentials belong to an admin or an agent allowed to manage end users.';

/** POST /users/create_or_update_many (≤100), then the job's results, mapped back to input order. */
export async function writeUsers(
  context: HookContext,
  records: JsonObject[],
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const answer = await zendeskCall(context, 'POST', writeEndpoint(context, 'users'), { users: records }, signal);
  if (answer.status === 403) {
    throw new AppError('E_ZENDESK_BULK_IMPORT_DISABLED', bulkImportDisabledHelp, {
      status: 403,
      zendesk: zendeskError(answer).message,
    });
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
 * Job results follow input order (a failed item's `id` is its input position);
 * an explicit `index` wins when Zendesk sends one. Each failure keeps Zendesk's
 * own `error` code and `details` text.
 */
export function mapJobResults(records: JsonObject[], results: JobResult[], jobId: string): WriteResult[] {
  return records.map((record, position) => {
    const result = results.find((item) => item.index === position) ?? results[position];
    const match = matchOf(record, ['external_id', 'email']);
    if (!result)
      return {
        outcome: 'failed',
        match,
        error: { code: 'missing_result', message: `Zendesk job ${jobId} returned no result for this record.` },
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
