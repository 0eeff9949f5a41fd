import type { ConnectorDescriptor } from '../../../../shared/connectors/descriptor';
import type { EntitySchema } from '../../../../shared/domain/entity-schema';
import type { ErrorCode } from '../../../../shared/errors';
import type { CallCounts } from '../../http/http-client';
import type { AuthorizationCallback, AuthorizationRequest } from './hooks';

/** JSON as records carry it after normalisation: no Dates, no undefined, no class instances. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One record as the sync engine sees it, whatever the system. */
export interface SourceRecord {
  /** Stable identity in the source system (`10042`, `ORD-1/CUST`); composite keys are joined with `/`. */
  key: string;
  /** Modification stamp as an ISO-8601 UTC string; '' when the entity has none (LN). */
  stamp: string;
  /** Normalised plain JSON (trimmed strings, ISO dates, nested lines); what mappings read. */
  data: JsonObject;
  /** The record exactly as the API sent it, for the audit log. */
  raw: unknown;
  /**
   * The record was deleted in the source (Salesforce `queryAll` `IsDeleted`, Zoho deleted records,
   * Dataverse change tracking `@removed`, Zendesk `deleted_at`): `data` holds what the API still
   * tells (often only the key). The engine never transforms or writes it: it is audited as skipped
   * ("deleted in the source") and counted in the run's `deleted` counter.
   */
  deleted?: boolean;
  /**
   * Set when the read took a `ReadOptions.fields` hint: `data` holds only these fields (sorted; the
   * same array for a whole read: never change it). A replay under a mapping that uses more must read
   * the record again.
   */
  fields?: string[];
}

export interface ReadPage {
  records: SourceRecord[];
  /** Calls this page cost (more than one when lines were fetched for it). */
  calls: number;
  /** Things the user should know about this read (e.g. incremental sync not engaged, and why). */
  warnings?: string[];
  /**
   * Where a later read can resume (opaque; see `ReadOptions.cursor`). The engine keeps the last
   * page's cursor of a run that finished its window, beside the watermark, and hands it to the next run.
   */
  cursor?: string;
}

export interface ReadOptions {
  /** Only records modified at or after this instant (ISO); undefined = everything. */
  since?: string;
  /**
   * Also report records deleted since `since` (as `SourceRecord.deleted`), where the entity's API
   * exposes deletions. Only with `since` (a full read has nothing to report); entities without a
   * deletion feed ignore it.
   */
  deletions?: boolean;
  /**
   * Where the previous finished run's read ended, as the connector said (`ReadPage.cursor`: a
   * Dataverse delta link, a Zendesk incremental `after_cursor`). When given, the connector reads the
   * changes after it; `since` is the fallback when the system refuses the cursor (expired token).
   */
  cursor?: string;
  pageSize?: number;
  /**
   * The fields the caller will use (a mapping's source fields, sorted): a connector may read only
   * these plus what it needs itself (keys, change stamp), and then says so in `SourceRecord.fields`.
   * A hint: a connector may ignore it and return every field. Undefined = every field.
   */
  fields?: readonly string[];
  signal?: AbortSignal;
}

export interface WriteOptions {
  /** Fields identifying a record in the target (`Account_Number`, `accountnumber`). */
  matchKey: string[];
  signal?: AbortSignal;
  /**
   * Things the user should know about this write (a slower path taken, and why); the sync engine
   * logs each distinct one once per run. A connector may say the same thing for every batch.
   */
  onWarning?: (message: string) => void;
  /**
   * Take the entity's bulk path (`write.bulk` of its descriptor) for these records: jobs of at most
   * `bulk.maxRecords`, one result per record in input order, as for a normal write.
   */
  bulk?: boolean;
}

export interface WriteResult {
  outcome: 'created' | 'updated' | 'unchanged' | 'failed';
  targetKey?: string;
  /** `message` is the target's own text, so users can search for it. */
  error?: { code: string; message: string; field?: string };
  /** How the target record was found, for the audit log (Cin7: by stored ID, by name, or none → created). */
  match?: WriteMatch;
  /** What the user should know about a write that went through (M3: order lines left in place). */
  note?: string;
}

export interface WriteMatch {
  by: 'id' | 'external_id' | 'email' | 'name' | 'none';
  /** The value that matched (an ID, a name), when there was one. */
  value?: string;
}

export interface LookupHit {
  targetKey: string;
  data: JsonObject;
  /**
   * The record's last-modified instant (ISO UTC) when the system tells it (`modifiedon`,
   * `SystemModstamp`, `Modified_Time`, M3 LMTS); conflict rules "newest wins" compare it with the
   * source record's stamp.
   */
  stamp?: string;
}

export interface TestResult {
  ok: boolean;
  /** Tenant, org or account the credentials belong to. */
  tenant?: string;
  /** Who the connection acts as (service account, user, application user). */
  identity?: string;
  /** Product line / flavour actually used (Infor `m3`, `csi`, `ln`, `fsm`). */
  variant?: string;
  latencyMs: number;
  /** Seconds the current token is valid for, as granted. */
  tokenLifetimeSeconds?: number;
  /** Records of the probed entity seen in a small sample read. */
  sampleEntity?: string;
  sampleCount?: number;
  error?: { code: ErrorCode; message: string };
}

/** What a catalogue search asks: a part of the name or description, and one kind of object. */
export interface CatalogQuery {
  search?: string;
  kind?: string;
}

/** One object the system exposes that could become an entity (an M3 table, a CSI IDO, an LN set, an FSM class). */
export interface CatalogEntry {
  /** The entity id it would get (`m3.OCUSMA`); unique within the answer. */
  id: string;
  /** The object's name in the system (`OCUSMA`, `SLItems`, `tcapi.comBusinessPartner/BusinessPartners`). */
  name: string;
  label: string;
  /** The system's own kind of object (Infor `m3-table`, `m3-list`, `csi-ido`, `ln-set`, `fsm-class`). */
  kind: string;
  description?: string;
  /** The connection's source setting that would read it (Infor: the `entitySources` value). */
  source: JsonObject;
}

export interface CatalogPage {
  /** Sorted by id. */
  entries: CatalogEntry[];
  /** False when more objects match than were returned (the search should be narrowed). */
  complete: boolean;
}

export interface EntityInfo {
  id: string;
  label: string;
  keyFields: string[];
  readable: boolean;
  writable: boolean;
  incremental: boolean;
  /** The entity's bulk write path, when it has one (the flow form shows its threshold). */
  bulk?: { label: string; threshold: number; maxRecords: number };
  /** Write calls allowed in flight at once (writable entities): the flow form's "Writes in flight" hint. */
  writeConcurrency?: number;
}

/**
 * The runtime face of a connector, used by the sync engine, the UI handlers and
 * the CLI. Implementations keep all HTTP inside the shared client.
 */
export interface LookupOptions {
  signal?: AbortSignal;
  /**
   * Fields the caller compares (a dry run's mapped fields): each hit's `data` carries all of them,
   * whatever a single call of the system may return (Zoho caps `fields` at 50, Salesforce URLs at
   * 16,384 bytes). Absent: the connector's default selection.
   */
  fields?: string[];
}

export interface Connector {
  readonly descriptor: ConnectorDescriptor;
  test(options?: { signal?: AbortSignal }): Promise<TestResult>;
  entities(): EntityInfo[];
  /** Live schema; cached with its hash in SQLite, refetched when `refresh` or stale. */
  schema(entity: string, options?: { refresh?: boolean; signal?: AbortSignal }): Promise<EntitySchema>;
  /** Pages in the system's own order; never the whole entity in memory. Errors end the iteration by throwing. */
  read(entity: string, options?: ReadOptions): AsyncIterable<ReadPage>;
  /** One result per input record, in input order; batches respect the descriptor's limits. */
  write(entity: string, records: JsonObject[], options: WriteOptions): Promise<WriteResult[]>;
  /**
   * Current target records by match-key value, for dry-run diffs and reference
   * lookups; values with no record are absent from the map. Optional: targets
   * implement it, sources need not.
   */
  lookup?(entity: string, matchKey: string, values: string[], options?: LookupOptions): Promise<Map<string, LookupHit>>;
  /**
   * How many values one `lookup` call can carry at best (the system's documented
   * limit), so a dry run's theoretical minimum counts the lookups it cannot avoid.
   * Absent: lookups are assumed to batch like writes.
   */
  lookupValuesPerCall?(entity: string, matchKey: string): number;
  /**
   * Objects of the system that could be read as entities, for a person to browse and pick.
   * Optional: only sources whose entity set is open (Infor) offer it.
   */
  catalog?(query: CatalogQuery, options?: { signal?: AbortSignal }): Promise<CatalogPage>;
  /** One catalogue object verified and described in full (its whole source), by kind and name. */
  catalogEntry?(
    kind: string,
    name: string,
    options?: {
      /** The table an M3 list transaction lists. */
      table?: string;
      /** The key fields where the system does not say them (FSM). */
      keys?: string[];
      signal?: AbortSignal;
    },
  ): Promise<CatalogEntry>;
  /**
   * How many write calls of `entity` may be in flight at once: the system's documented concurrency
   * for this connection (Zoho's edition, a descriptor's `rateLimit.concurrency`; 1 = serial writes).
   * Absent: one at a time.
   */
  writeConcurrency?(entity: string): number;
  /** Answers so far that said "too many requests" (429, the descriptor's throttle statuses). */
  throttleCount?(): number;
  /** Network calls made through this connection so far. */
  callCount(): number;
  callCounts(): CallCounts;
  /** Revoke tokens where the system supports it (called when the connection is removed). */
  revoke(): Promise<void>;
  /**
   * Browser sign-in (authorization code with PKCE, RFC 8252) where the system offers it:
   * builds the authorize URL and exchanges the code for the secrets to keep.
   */
  readonly signIn?: {
    authorizeUrl(request: AuthorizationRequest): string;
    exchange(callback: AuthorizationCallback): Promise<Record<string, string>>;
  };
  close(): Promise<void>;
}
