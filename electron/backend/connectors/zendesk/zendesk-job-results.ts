import type { JobResult } from './zendesk-write';

/**
 * What identifies one record of a job in its results. `index` is the record's place in the job;
 * `id`, `email` and `externalId` are what the record sent (empty when it sent none).
 */
export interface JobRecordKeys {
  index: number;
  id?: string;
  email?: string;
  externalId?: string;
}

/** A value as compared: trimmed and lower-cased (Zendesk treats e-mails and external ids case-insensitively). */
const norm = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : '';

/** Whether a record's value and a result's agree, or either side has none to compare. */
const agree = (mine: string | undefined, theirs: unknown) =>
  !norm(mine) || !norm(theirs) || norm(mine) === norm(theirs);

/** The one item of `results` whose `field` equals `value`, if exactly one does. */
function onlyOne(results: JobResult[], field: 'id' | 'email' | 'external_id', value: string): JobResult | undefined {
  const found = results.filter((result) => norm(result[field]) === norm(value));
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Each record's result in a finished Zendesk job, or undefined where no result can be tied to it
 * surely. Zendesk lists results in input order (API-FACTS §4.3), but that a job never leaves one out
 * or reorders them is unconfirmed, and trusting position in such a job saves another user's id for
 * a record. So, in this order:
 * 1. an explicit `index` (create jobs carry one): that result, and never a positional guess;
 * 2. the record's own `id` (update jobs), `email` or `external_id`, when exactly one result and
 *    exactly one record carry it (users upserts answer successes with `email`);
 * 3. position, only when the job answered one result per record, that result is not already another
 *    record's, and its `email`/`external_id` (where both sides carry one) are the record's.
 */
export function matchJobResults(records: JobRecordKeys[], results: JobResult[]): Array<JobResult | undefined> {
  if (results.some((result) => typeof result.index === 'number'))
    return records.map((record) => {
      const found = results.filter((result) => result.index === record.index);
      return found.length === 1 ? found[0] : undefined;
    });
  // A value two records of the job share cannot tell their results apart.
  const unique = (key: 'id' | 'email' | 'externalId', value: string | undefined) =>
    !!norm(value) && records.filter((record) => norm(record[key]) === norm(value)).length === 1;
  const matched = records.map((record): JobResult | undefined => {
    const byId = record.id && unique('id', record.id) ? onlyOne(results, 'id', record.id) : undefined;
    const byEmail = record.email && unique('email', record.email) ? onlyOne(results, 'email', record.email) : undefined;
    const byExternalId =
      record.externalId && unique('externalId', record.externalId)
        ? onlyOne(results, 'external_id', record.externalId)
        : undefined;
    const found = byId ?? byEmail ?? byExternalId;
    return found && fits(record, found) ? found : undefined;
  });
  // A result two records claim (one by e-mail, one by external id) is neither's.
  const claims = new Map<JobResult, number>();
  for (const result of matched) if (result) claims.set(result, (claims.get(result) ?? 0) + 1);
  const sure = matched.map((result) => (result && claims.get(result) === 1 ? result : undefined));
  if (results.length !== records.length) return sure;
  return sure.map((result, position) => {
    if (result) return result;
    const candidate = results[position] as JobResult;
    return claims.has(candidate) || !fits(records[position] as JobRecordKeys, candidate) ? undefined : candidate;
  });
}

/**
 * Whether a result can be the record's: its `email` and `external_id`, where both sides carry one, are
 * the record's. Ids are not compared: a failed users item's `id` is its input position (API-FACTS
 * §4.3, unconfirmed).
 */
function fits(record: JobRecordKeys, result: JobResult): boolean {
  return agree(record.email, result.email) && agree(record.externalId, result.external_id);
}

/** The failure of a record no job result can be tied to surely: it names the record and what to do. */
export function unmatchedResult(jobId: string, record: string): { code: string; message: string } {
  return {
    code: 'missing_result',
    message: `Zendesk's job result for ${record} is missing or does not match; nothing recorded for it, replay it (job ${jobId}).`,
  };
}
