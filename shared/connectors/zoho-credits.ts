import { defaultZohoEdition, zohoDailyCredits, zohoEditionIds, zohoEditions, type ZohoEdition } from './zoho.settings';

/**
 * What a run spends of a Zoho org's daily API credits (API-FACTS §2.4). Sources disagree on an
 * upsert's price: 1 credit per call, or 1 per 10 records; so the estimate is a range, `low` at the
 * first and `high` at the second. Reads (list pages of 200) cost 1 credit per call.
 */
export interface ZohoCreditEstimate {
  calls: { write: number; read: number };
  low: number;
  high: number;
}

export function zohoCreditEstimate(input: {
  /** Records the run upserts into Zoho. */
  writes: number;
  /** Records the run lists from Zoho (Zoho as the source). */
  reads?: number;
  batchSize?: number;
  pageSize?: number;
}): ZohoCreditEstimate {
  const batch = Math.max(1, input.batchSize ?? 100);
  const page = Math.max(1, input.pageSize ?? 200);
  const writes = Math.max(0, Math.floor(input.writes));
  const reads = Math.max(0, Math.floor(input.reads ?? 0));
  const full = Math.floor(writes / batch);
  const rest = writes % batch;
  const write = full + (rest > 0 ? 1 : 0);
  // A read that finds nothing is still one call (204).
  const read = input.reads === undefined ? 0 : Math.max(1, Math.ceil(reads / page));
  const perTen = full * Math.ceil(batch / 10) + (rest > 0 ? Math.ceil(rest / 10) : 0);
  return { calls: { write, read }, low: write + read, high: perTen + read };
}

export type ZohoCreditVerdict = 'fits' | 'may-exceed' | 'exceeds';

export interface ZohoCreditBudget extends ZohoCreditEstimate {
  edition: ZohoEdition;
  /** Credits the org has per rolling 24 hours (its edition and users). */
  daily: number;
  /**
   * Credits left to spend. Zoho's remaining-credits header is unconfirmed (API-FACTS §2.4) and the
   * simulator sends none, so this is the edition's daily total: calls made elsewhere in the last 24 h
   * are not known here.
   */
  left: number;
  verdict: ZohoCreditVerdict;
}

/** The edition a connection's settings name (Standard when none or an unknown one). */
export function zohoEditionOf(settings: Readonly<Record<string, unknown>>): ZohoEdition {
  const value = settings.edition;
  return typeof value === 'string' && (zohoEditionIds as string[]).includes(value)
    ? (value as ZohoEdition)
    : defaultZohoEdition;
}

export function zohoCreditBudget(
  estimate: ZohoCreditEstimate,
  settings: Readonly<Record<string, unknown>>,
): ZohoCreditBudget {
  const edition = zohoEditionOf(settings);
  const users = typeof settings.licensedUsers === 'number' ? settings.licensedUsers : 1;
  const daily = zohoDailyCredits(edition, users);
  const left = daily;
  const verdict: ZohoCreditVerdict = estimate.high <= left ? 'fits' : estimate.low > left ? 'exceeds' : 'may-exceed';
  return { ...estimate, edition, daily, left, verdict };
}

const count = (value: number) => value.toLocaleString('en');

/** One line for the CLI and the Run now dialog: the spend, what is left, and a warning when it may not fit. */
export function zohoCreditText(budget: ZohoCreditBudget, records: number): string {
  const spend = budget.low === budget.high ? count(budget.low) : `${count(budget.low)}–${count(budget.high)}`;
  const base = `Zoho API credits: about ${spend} for ${count(records)} record${records === 1 ? '' : 's'} (${count(budget.calls.write)} upsert call${budget.calls.write === 1 ? '' : 's'}${budget.calls.read ? `, ${count(budget.calls.read)} read${budget.calls.read === 1 ? '' : 's'}` : ''}) of ${count(budget.left)} a day (${zohoEditions[budget.edition].label}).`;
  if (budget.verdict === 'exceeds')
    return `${base} This run would exceed the org's daily credits: Zoho refuses calls (LIMIT_REACHED) once they are spent; the rest waits for the next run.`;
  if (budget.verdict === 'may-exceed')
    return `${base} It may exceed them if Zoho charges an upsert per 10 records (sources disagree).`;
  return base;
}
