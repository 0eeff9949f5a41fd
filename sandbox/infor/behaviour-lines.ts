import { z } from 'zod';

/**
 * Switches for what is unconfirmed about CSI, LN and FSM on a real tenant (issue 14, plan §2
 * U15, U17–U19, U21). Each default is the harshest plausible stock behaviour, so a connector that passes
 * against the defaults does not rely on a friendly server. Sources per switch: sandbox/README.md.
 */
export const linesBehaviourSchema = z.object({
  /**
   * U15: the SQL Server session DATEFORMAT behind Mongoose. Under `dmy`, `'yyyy-MM-dd hh:mm…'`
   * is read as year-day-month (SQL Server's rule for `datetime`); the unseparated
   * `yyyyMMdd[ hh:mm:ss[.fff]]` and ISO `yyyy-MM-ddThh:mm:ss[.fff]` forms read the same under every setting.
   */
  csiDateFormat: z.enum(['dmy', 'mdy']).default('dmy'),
  /** U17: whether a load without `X-Infor-Site` is refused (public clients always send it; need unconfirmed). */
  csiRequireSite: z.boolean().default(false),
  /**
   * U18: LN paging. `truncate`: a page is at most the server page size, `$top`/`$skip` are honoured and no
   * `@odata.nextLink` is sent (what a public LN client pages around); `nextLink`: server-driven paging.
   */
  lnPaging: z.enum(['truncate', 'nextLink']).default('truncate'),
  /** U19: every Nth LN call answers 401 `OAuth [U14]: unknown oauth_consumer_key` (0 = never). */
  lnU14Every: z.number().int().nonnegative().default(0),
  /** U21: the largest FSM `_limit` answered; a larger one is a 400 (the real maximum is unpublished). */
  fsmMaxLimit: z.number().int().positive().default(1000),
  /**
   * Whether `…/soap/classes?_links=true` lists the business classes (API-FACTS §1.7: unconfirmed).
   * Off: 404, and a person types a class name, checked by a one-record list. On by default because
   * product-line detection already relies on that call answering.
   */
  fsmClassList: z.boolean().default(true),
  /**
   * Issue 16: whether an LN PATCH without `If-Match` is refused with 428. API-FACTS §1.6 says
   * required, and Infor's LN API pages list `If-Match` ("Etag") on updates and actions; that it is
   * enforced on every tenant is unconfirmed, so `optional` lets a PATCH through without one.
   */
  lnIfMatch: z.enum(['required', 'optional']).default('required'),
  /**
   * Issue 16: FSM writes. `true`: `POST …/classes/{C}/actions/{A}/batch` with `{_records:[{_fields,message}]}`
   * (the form a public FSM conversion tool loads with, API-FACTS §10); `false`: that route answers 404
   * and only the one-record `POST …/classes/{C}/actions/{A}` with `{_fields}` works (unconfirmed form).
   */
  fsmWriteBatch: z.boolean().default(true),
  /**
   * Issue 16 (H7): how Mongoose refuses an update whose `ItemId` carries a RecordDate (`DT=[…]`) the row
   * no longer has. Mongoose locks on RecordDate (Infor Mongoose help, "Optimistic Lock":
   * docs.infor.com/ism/2023.x/en-us/ismolh/…/optimistic_lock_idoslinked.html); its refusal text is
   * unpublished. `missingRow`: the row is looked up by ID and DT together, so a changed row reads as one
   * that does not exist (the harshest: indistinguishable from a deleted row); `changedByAnotherUser`:
   * a message that says so.
   */
  csiStaleItem: z.enum(['missingRow', 'changedByAnotherUser']).default('missingRow'),
});
export type LinesBehaviour = z.infer<typeof linesBehaviourSchema>;
export type LinesBehaviourInput = z.input<typeof linesBehaviourSchema>;

export function linesBehaviour(input: LinesBehaviourInput = {}): LinesBehaviour {
  return linesBehaviourSchema.parse(input);
}
