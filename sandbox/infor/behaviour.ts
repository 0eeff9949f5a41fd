import { z } from 'zod';

/**
 * Behaviours of a real Infor tenant that no public source settles (issue 14, plan §2 "U"
 * switches). Each default is the harshest plausible stock behaviour, so a connector that passes
 * against the defaults does not depend on a friendly guess. The tenant check (`mlc infor check`)
 * probes each of them on a live tenant.
 */
export const inforBehaviourSchema = z.object({
  /**
   * U1 — M3 LMTS text (an N18 "Timestamp" field in every catalogue transaction that has it; the
   * encoding is unconfirmed). `epochMillis` = 13-digit epoch milliseconds (the only public hint:
   * an app writing OKLMTS as `Date.now()`); `ymdHmsMs17` = `yyyyMMddHHmmssSSS`; `ymdHms14` =
   * `yyyyMMddHHmmss`; `garbage` = digits that decode to no instant.
   */
  m3StampForm: z.enum(['epochMillis', 'ymdHmsMs17', 'ymdHms14', 'garbage']).default('epochMillis'),
  /** U2 — the LMTS input of CRS610MI/LstByNumber and CRS620MI/LstSuppliers: rows changed at or after it, strictly after, or ignored. */
  m3LmtsInput: z.enum(['gte', 'gt', 'ignored']).default('gte'),
  /** U13 — whether a list's start key (CUNO, FRSU) returns the row at that key again (`inclusive`) or starts after it. */
  m3ListStart: z.enum(['inclusive', 'exclusive']).default('inclusive'),
  /** U3 — `order by` in an EXPORTMI query is undocumented: ignored (rows in physical order), refused (NOK) or honoured. */
  m3ExportOrderBy: z.enum(['ignored', 'refused', 'honoured']).default('ignored'),
  /** U5 — a REPL longer than A984 is cut silently (`truncate`) or the call fails (`nok`). */
  m3ReplOverflow: z.enum(['truncate', 'nok']).default('truncate'),
  /** U10 — an unknown program or transaction: bare HTTP 400, typed 400 body, or a NOK in HTTP 200. */
  m3UnknownTransaction: z.enum(['bare400', 'typed400', 'nok200']).default('bare400'),
  /**
   * U8 — a server cap on maxrecs: a call asking for more (or for all, `maxrecs=0`) silently gets this
   * many rows; `null` = no cap (then `maxrecs=0` beyond `m3MaxRowsPerCall` times out with a 504).
   */
  m3MaxRecsCap: z.number().int().positive().nullable().default(10_000),
  /** U9 — whether `;cono=`/`;divi=` set the session company (EXPORTMI reads only the session's company). */
  m3HonourCono: z.boolean().default(true),
  /**
   * U9, EXPORTMI alone (with `m3HonourCono`): API-FACTS §10 says EXPORTMI reads the session's company
   * and that its documentation describes no company filter, while m3-odin sends `;cono=` on every MI
   * call. `false`: MI transactions honour `;cono=`, EXPORTMI reads the user's default company.
   */
  m3ExportHonoursCono: z.boolean().default(true),
  /**
   * U16 — what a write answers for a template (CRS610MI/Add CUTM, CRS620MI/CopyTemplate STEM) that does
   * not exist: a NOK with XRE0103 (the "no such record" code, API-FACTS §1.4), or a NOK with text only.
   * No public source shows the real answer.
   */
  m3UnknownTemplate: z.enum(['xre0103', 'textOnly']).default('xre0103'),
  /**
   * U17 — whether M3 refuses a write input of the wrong kind (letters in an N field, a date that is not
   * yyyyMMdd) with a NOK naming the field (`nok`), or takes it unchecked (`accepted`; the value is
   * stored as given). Unconfirmed either way; the connector checks kinds before writing.
   */
  m3WriteKindCheck: z.enum(['nok', 'accepted']).default('nok'),
  /**
   * U22 — when a purchase order entered through PPS370MI exists: as soon as FinishEntry answers
   * (`immediate`), or once M3's batch job has processed the entry (`batchJob`: FinishEntry only
   * queues it; the job runs before the next call of any other program, so nothing reads it until
   * then). M3H5 documents the transactions, not the timing; the connector needs neither.
   */
  m3PurchaseEntry: z.enum(['immediate', 'batchJob']).default('immediate'),
  /**
   * U23 — how a purchase entry (PPS370MI/AddHead, AddLine; PPS200MI/AddLine, UpdHead, UpdLine) refuses a
   * supplier, item or warehouse M3 does not have. `invalid`: the form of the one public sample of such a
   * NOK (M3H5, M3H5Lib/Models/M3Response.cs: `{"@code":"XIM0002","@type":"ServerReturnedNOK",
   * "Message":"Customer number is invalid"}`): a code, no `@field`, the value not named.
   * `doesNotExist`: no code, `@field` set, "Supplier S1 does not exist" (M3's wording for other missing
   * records, e.g. XRE0103 "Record does not exist"). Which one PPS370MI answers is unconfirmed.
   */
  m3UnknownReference: z.enum(['invalid', 'doesNotExist']).default('invalid'),
});

export type InforBehaviour = z.infer<typeof inforBehaviourSchema>;
export type InforBehaviourInput = z.input<typeof inforBehaviourSchema>;

/** One mutable holder shared by every route, so `setBehaviour` takes effect on the next call. */
export class BehaviourHolder {
  current: InforBehaviour;
  constructor(input: InforBehaviourInput = {}) {
    this.current = inforBehaviourSchema.parse(input);
  }
  set(input: InforBehaviourInput): InforBehaviour {
    this.current = inforBehaviourSchema.parse({ ...this.current, ...input });
    return this.current;
  }
}
