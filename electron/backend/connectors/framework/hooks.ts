import type { ConnectorDescriptor } from '../../../../shared/connectors/descriptor';
import type { EntitySchema } from '../../../../shared/domain/entity-schema';
import type { HttpConnection, HttpResponse } from '../../http/http-client';
import type { AccessToken } from '../../http/token-provider';
import type { JsonObject, ReadOptions, ReadPage, SourceRecord, TestResult, WriteResult } from './connector';

/** What hooks get: the connection's settings and secrets, and the shared client. */
export interface HookContext {
  connectionId: string;
  settings: Record<string, string | number | boolean | null>;
  /** Secret values by slot; hooks never log or return them. */
  secrets: Record<string, string>;
  /** The connection's one HTTP client; hooks never call fetch themselves. */
  http: HttpConnection;
  descriptor: ConnectorDescriptor;
  /** Descriptor templates filled with settings. */
  url(template: string, extra?: Record<string, string | number>): string;
}

/**
 * The escape hatch for what a descriptor cannot say (Infor `.ionapi` URLs and
 * HTTP-200 errors, Dataverse `$batch`, Zendesk job polling, Cin7 lookup-then-write).
 * Every hook is optional; the generic runtime covers what is missing.
 */
export interface ConnectorHooks {
  /** Obtain a token (password, client-credentials or refresh grant) through `context.http` with `auth: false`. */
  obtainToken?(context: HookContext, previous: AccessToken | undefined): Promise<AccessToken>;
  /** Revoke grants when a connection is removed; best effort. */
  revokeToken?(context: HookContext, token: AccessToken | undefined): Promise<void>;
  /** Pulls a system error code out of a failed body for the descriptor's code lists. */
  extractErrorCode?(response: HttpResponse): string | undefined;
  /** Reads one entity page by page (systems whose paging is not plain data). */
  readPages?(context: HookContext, entity: string, options: ReadOptions): AsyncIterable<ReadPage>;
  /** Turns one raw record into a `SourceRecord` (trimming, date formats, keys). */
  normalize?(context: HookContext, entity: string, raw: unknown): SourceRecord;
  /** Writes one batch (already within limits); results in input order. */
  writeBatch?(context: HookContext, entity: string, records: JsonObject[], matchKey: string[]): Promise<WriteResult[]>;
  /** Fetches the live schema of one entity. */
  discoverSchema?(context: HookContext, entity: string): Promise<Omit<EntitySchema, 'hash' | 'fetchedAt'>>;
  /** Identity/tenant probe for `test()`. */
  probe?(context: HookContext): Promise<Pick<TestResult, 'tenant' | 'identity' | 'variant'>>;
}
