import type { JsonObject, WriteMatch, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { zendeskCall, zendeskError, zendeskGet } from './zendesk-http';
import { matchJobResults, unmatchedResult } from './zendesk-job-results';
import { awaitJob, matchOf, text, type JobStatus, type ZendeskWriteOptions } from './zendesk-write';

/** One record of a batch on its way into a job: where it sits in the batch, and what matched it. */
interface Planned {
  position: number;
  body: JsonObject;
  match: WriteMatch;
}

/**
 * Organizations in jobs of ≤ 100 (organizations OpenAPI: `create_many`, `update_many`), not one
 * `create_or_update` per record. The batch's external ids are looked up with one
 * `show_many?external_ids=`; known ones go to `update_many` by id, the rest to `create_many`.
 * Each job's results are mapped back by their `index` (then `id`), never by arrival order.
 */
export async function writeOrganizations(
  context: HookContext,
  records: JsonObject[],
  options: ZendeskWriteOptions = {},
): Promise<WriteResult[]> {
  const known = await idsByExternalId(
    context,
    records.filter((record) => !text(record.id)).map((record) => text(record.external_id)),
    options.signal,
  );
  const creates: Planned[] = [];
  const updates: Planned[] = [];
  // A new external id twice in one batch: the first creates it, the others wait for the next round and
  // update it then, as one create_or_update per record did (create_many would refuse them as taken).
  const creating = new Set<string>();
  const later: number[] = [];
  records.forEach((record, position) => {
    const externalId = text(record.external_id).toLowerCase();
    const id = text(record.id) || known.get(externalId);
    const match = matchOf(record, ['id', 'external_id']);
    if (id) updates.push({ position, body: { ...record, id: Number(id) }, match });
    else if (externalId && creating.has(externalId)) later.push(position);
    else {
      if (externalId) creating.add(externalId);
      creates.push({ position, body: record, match: { by: 'none' } });
    }
  });
  const results: WriteResult[] = new Array(records.length);
  for (const [planned, method, path, created] of [
    [updates, 'PUT', '/organizations/update_many', false],
    [creates, 'POST', '/organizations/create_many', true],
  ] as const) {
    if (planned.length === 0) continue;
    const outcomes = await runJob(context, method, path, planned, created, options.signal);
    planned.forEach((item, index) => (results[item.position] = outcomes[index] as WriteResult));
  }
  if (later.length > 0) {
    const outcomes = await writeOrganizations(
      context,
      later.map((position) => records[position] as JsonObject),
      options,
    );
    later.forEach((position, index) => (results[position] = outcomes[index] as WriteResult));
  }
  return results;
}

/** `show_many?external_ids=` (≤ 100 a call, case-insensitive): lower-cased external id → organization id. */
async function idsByExternalId(
  context: HookContext,
  externalIds: string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const wanted = [...new Set(externalIds.filter(Boolean))];
  const ids = new Map<string, string>();
  for (let start = 0; start < wanted.length; start += 100) {
    const chunk = wanted
      .slice(start, start + 100)
      .map(encodeURIComponent)
      .join(',');
    const body = await zendeskGet(context, `/organizations/show_many?external_ids=${chunk}`, signal);
    for (const organization of (body.organizations ?? []) as JsonObject[])
      if (text(organization.external_id)) ids.set(text(organization.external_id).toLowerCase(), text(organization.id));
  }
  return ids;
}

async function runJob(
  context: HookContext,
  method: 'PUT' | 'POST',
  path: string,
  planned: Planned[],
  created: boolean,
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const failAll = (error: { code: string; message: string; field?: string }) =>
    planned.map((item): WriteResult => ({ outcome: 'failed', match: item.match, error }));
  const answer = await zendeskCall(context, method, path, { organizations: planned.map((item) => item.body) }, signal);
  if (answer.status >= 400) return failAll(zendeskError(answer));
  const queued = (answer.data as { job_status: JobStatus }).job_status;
  const timeoutMs = Number(context.settings.jobTimeoutSeconds ?? 600) * 1000;
  const done = await awaitJob(context, queued, { timeoutMs, signal });
  if (done.status !== 'completed')
    return failAll({
      code: `job_${done.status}`,
      message: done.message || `Zendesk job ${done.id} ended as ${done.status}.`,
    });
  // By `index` (create jobs), else the organization `id` sent (updates), else position when the job
  // answered one result per record: never the neighbour's result.
  const matched = matchJobResults(
    planned.map((item, index) => ({
      index,
      id: created ? '' : text(item.body.id),
      externalId: text(item.body.external_id),
    })),
    done.results ?? [],
  );
  return planned.map((item, index): WriteResult => {
    const id = created ? '' : text(item.body.id);
    const result = matched[index];
    if (!result)
      return {
        outcome: 'failed',
        match: item.match,
        error: unmatchedResult(
          done.id,
          text(item.body.external_id) || text(item.body.name) || id || `record ${item.position + 1}`,
        ),
      };
    const status = (result.status ?? '').toLowerCase();
    if (status === 'failed' || result.success === false || result.error)
      return {
        outcome: 'failed',
        targetKey: id || undefined,
        match: item.match,
        error: {
          code: result.error ?? 'Failed',
          message: result.details ?? result.error ?? 'Zendesk did not say why.',
        },
      };
    return {
      outcome: created ? 'created' : 'updated',
      targetKey: text(result.id) || id || undefined,
      match: item.match,
    };
  });
}
