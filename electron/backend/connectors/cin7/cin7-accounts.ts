import type { JsonObject, JsonValue, WriteResult } from '../framework/connector';
import { writeEndpoint, type HookContext } from '../framework/hooks';
import { asString, cin7Call, cin7Get, type Cin7Answer } from './cin7-http';

/**
 * Which account codes the chart of accounts holds, so an account write costs one call (POST or PUT)
 * after one list call per 1,000 accounts. `/ref/account` has no documented code filter and no
 * modified-since (API-FACTS §6.1–6.2), so the list is read whole, again once older than `refreshMs`;
 * a POST refused as a duplicate code (created elsewhere meanwhile) becomes a PUT.
 */
export class Cin7AccountCodes {
  private readonly codes = new Set<string>();
  private loadedAt: number | undefined;

  constructor(
    private readonly refreshMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async ensure(context: HookContext, signal?: AbortSignal): Promise<void> {
    if (this.loadedAt !== undefined && this.now() - this.loadedAt < this.refreshMs) return;
    const started = this.now();
    this.codes.clear();
    for (let page = 1; ; page += 1) {
      const body = await cin7Get(context, '/ref/account', { Page: page, Limit: 1000 }, signal);
      const list = Array.isArray(body.AccountsList) ? (body.AccountsList as JsonObject[]) : [];
      for (const item of list) this.remember(asString(item.Code));
      if (list.length === 0 || page * 1000 >= Number(body.Total ?? 0)) break;
    }
    this.loadedAt = started;
  }

  has(code: string): boolean {
    return this.codes.has(code.toLowerCase());
  }

  remember(code: string): void {
    if (code) this.codes.add(code.toLowerCase());
  }
}

/** Fields Cin7 computes; sending them back would only invite a refusal. */
const computed = ['DisplayName', 'SystemAccount', 'SystemAccountCode', 'OldCode', 'BankAccountId', 'Currency'];

/**
 * A 403 on an account write just after the same key listed the accounts is not a sign-in failure: Cin7
 * keeps the chart read-only while Xero or QuickBooks Online is linked (Cin7 help "Xero Integration -
 * Basics"), and how the API refuses then is unpublished (sandbox switch `accountsLinkedAnswer`: 403
 * or a 400 saying so). The 403 comes back here so the record fails alone, with what to do.
 */
const writeStatuses = [403];
const forbiddenHint =
  'Cin7 Core lets this key read the chart of accounts but not change it; it keeps the chart read-only while Xero or QuickBooks Online is linked, so change accounts there (or give the key write rights).';

function failure(answer: Cin7Answer, code: string, how: 'POST' | 'PUT'): WriteResult {
  const said = answer.errors.map((error) => error.message).join('; ');
  const forbidden = answer.status === 403;
  const message = forbidden ? `HTTP 403 (${said}). ${forbiddenHint}` : said;
  return {
    outcome: 'failed',
    targetKey: how === 'PUT' ? code : undefined,
    match: how === 'PUT' ? { by: 'external_id', value: code } : { by: 'none' },
    error: {
      code: String(answer.errors[0]?.code ?? answer.status),
      message: `Cin7 Core refused ${how} /ref/account for account ${code}: ${message}`,
      field: forbidden ? undefined : /^'?([A-Z][A-Za-z0-9]+)'?\s/.exec(message)?.[1],
    },
  };
}

const duplicateCode = (answer: Cin7Answer) =>
  answer.status === 400 && answer.errors.some((error) => /already exists|duplicate|not unique/i.test(error.message));
const unknownCode = (answer: Cin7Answer) =>
  answer.status === 400 && answer.errors.some((error) => /not found/i.test(error.message));

/**
 * One chart-of-accounts entry, matched by `Code`: PUT when the code exists, POST otherwise
 * (API-FACTS §6.2: one object per call, no upsert). A record without a code fails, naming none
 * because it has none; Cin7's own refusals (required fields, BANK details, a linked Xero/QBO
 * keeping the chart read-only) come back per record with Cin7's text.
 */
export async function writeAccount(
  context: HookContext,
  codes: Cin7AccountCodes,
  record: JsonObject,
  signal?: AbortSignal,
): Promise<WriteResult> {
  const code = asString(record.Code as JsonValue | undefined);
  if (!code)
    return {
      outcome: 'failed',
      match: { by: 'none' },
      error: { code: 'E_INVALID_INPUT', message: 'A Cin7 account needs its Code (the match key).', field: 'Code' },
    };
  const body = Object.fromEntries(Object.entries(record).filter(([name]) => !computed.includes(name))) as JsonObject;
  body.Code = code;
  const endpoint = writeEndpoint(context, 'Account');
  await codes.ensure(context, signal);
  const put = async (): Promise<WriteResult> => {
    const updated = await cin7Call(context, 'PUT', endpoint, { body, signal, passStatuses: writeStatuses });
    if (updated.errors.length > 0) return failure(updated, code, 'PUT');
    return { outcome: 'updated', targetKey: code, match: { by: 'external_id', value: code } };
  };
  if (codes.has(code)) {
    const updated = await cin7Call(context, 'PUT', endpoint, { body, signal, passStatuses: writeStatuses });
    if (updated.errors.length === 0)
      return { outcome: 'updated', targetKey: code, match: { by: 'external_id', value: code } };
    // Gone since the codes were read: create it again; any other refusal is the record's.
    if (!unknownCode(updated)) return failure(updated, code, 'PUT');
  }
  const created = await cin7Call(context, 'POST', endpoint, { body, signal, passStatuses: writeStatuses });
  if (created.errors.length === 0) {
    codes.remember(code);
    return { outcome: 'created', targetKey: code, match: { by: 'none' } };
  }
  // Created elsewhere since the codes were read: update it instead.
  if (duplicateCode(created)) {
    codes.remember(code);
    return put();
  }
  return failure(created, code, 'POST');
}
