import { randomBytes } from 'node:crypto';
import type { SandboxServer, SimulatorContext } from '../kit';
import type { SalesforceOAuth } from './salesforce-oauth';
import {
  describeField,
  salesforceObjectByName,
  salesforceObjects,
  type SalesforceObjectSpec,
} from './salesforce-objects';
import { matchesWhere, parseSoql, SoqlError, type SoqlQuery } from './salesforce-soql';
import type { SalesforceRecord, SalesforceStore } from './salesforce-store';

export interface SalesforceApiOptions {
  apiVersion: string;
  clientId: string;
  clientSecret: string;
  orgId: string;
  /** Session timeout (Salesforce default 2 h); activity extends it. */
  sessionSeconds: number;
  /** Rolling-24-h API request allocation (Developer 15,000; Enterprise 100,000 + 1,000/licence). */
  dailyRequests: number;
  /** Records per query page (Salesforce: up to 2,000, pages may be shorter). */
  queryPageSize: number;
  maxCollection: number;
  /**
   * Longest request URI, and longest URI plus headers, accepted: 16,384 bytes each (Salesforce
   * Knowledge 000386264 "Maximum number of rows returned by SOQL queries over the REST API": a longer
   * URI answers 414 URI Too Long, URI and headers together 431). The same article says the SOQL is
   * augmented server-side, so the usable length is smaller, and recommends URIs of at most 2,000
   * characters: tests set that to model such an org.
   */
  maxUriLength: number;
}

interface Session {
  expiresAt: number;
}

const sfError = (
  context: SimulatorContext,
  status: number,
  errorCode: string,
  message: string,
  extra: Record<string, unknown> = {},
) => context.json(status, [{ message, errorCode, ...extra }]);

/**
 * The REST API reads JSON or XML bodies and nothing else. A body without a
 * Content-Type saying so gets 415 UNSUPPORTED_MEDIA_TYPE in Salesforce's error
 * list shape; the message is the one Salesforce returned for another media type
 * (kevinohara80/nforce#74: "MediaType of 'multipart/related' is not supported by
 * this resource", HTTP 415). API-FACTS §10: clients always send application/json;
 * 415 without it is likely (unconfirmed).
 */
function refuseUnsupportedMedia(context: SimulatorContext): boolean {
  const hasBody =
    Number(context.header('content-length') ?? 0) > 0 || context.header('transfer-encoding') !== undefined;
  if (!hasBody) return false;
  const type = (context.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type === 'application/xml') return false;
  sfError(context, 415, 'UNSUPPORTED_MEDIA_TYPE', `MediaType of '${type}' is not supported by this resource`);
  return true;
}

/** OAuth (client credentials on My Domain) and the REST API under `/services/data/vNN.0`. */
export class SalesforceApi {
  private readonly sessions = new Map<string, Session>();
  private readonly cursors = new Map<
    string,
    { rows: SalesforceRecord[]; query: SoqlQuery; offset: number; pageSize: number }
  >();
  private used: number[] = [];
  runAsUserEnabled = true;
  readonly largestBatch = new Map<string, number>();

  constructor(
    private readonly server: SandboxServer,
    private readonly store: SalesforceStore,
    readonly options: SalesforceApiOptions,
    private readonly oauth: SalesforceOAuth,
  ) {}

  expireSessions(): number {
    const count = this.sessions.size;
    this.sessions.clear();
    return count;
  }

  usage() {
    return { used: this.count(this.server.clock.now()), limit: this.options.dailyRequests };
  }

  register(): void {
    const base = `/services/data/${this.options.apiVersion}`;
    const route = this.server.route.bind(this.server);
    route({
      method: 'POST',
      pattern: '/services/oauth2/token',
      name: 'Salesforce token',
      metered: false,
      handler: (context) => this.token(context),
    });
    route({
      method: 'POST',
      pattern: '/services/oauth2/revoke',
      name: 'Salesforce revoke',
      metered: false,
      handler: (context) => this.oauth.revoke(context),
    });
    route({
      method: 'GET',
      pattern: '/services/oauth2/authorize',
      name: 'Salesforce authorize',
      metered: false,
      handler: (context) => this.oauth.authorize(context),
    });
    route({
      method: 'GET',
      pattern: '/services/data',
      name: 'Salesforce versions',
      handler: (context) =>
        context.json(200, [{ label: 'Winter ’26', url: base, version: this.options.apiVersion.slice(1) }]),
    });
    const api = (pattern: string, method: string, name: string, run: (context: SimulatorContext) => unknown) =>
      route({
        method,
        pattern: `${base}${pattern}`,
        name,
        handler: async (context) => {
          if (!this.refuseLongUri(context) && this.admit(context) && !refuseUnsupportedMedia(context))
            await run(context);
        },
      });
    api('/limits', 'GET', 'Salesforce limits', (context) =>
      context.json(
        200,
        {
          DailyApiRequests: {
            Max: this.options.dailyRequests,
            Remaining: this.options.dailyRequests - this.usage().used,
          },
        },
        this.limitHeader(),
      ),
    );
    api('/sobjects', 'GET', 'Salesforce describeGlobal', (context) => this.describeGlobal(context));
    api('/sobjects/:object/describe', 'GET', 'Salesforce describe', (context) => this.describe(context));
    api('/query', 'GET', 'Salesforce query', (context) => this.query(context));
    api('/query/:locator', 'GET', 'Salesforce query more', (context) => this.more(context));
    // `queryAll`: the same SOQL, deleted (Recycle Bin) rows included; its cursor pages like `query`'s.
    api('/queryAll', 'GET', 'Salesforce queryAll', (context) => this.query(context, true));
    api('/queryAll/:locator', 'GET', 'Salesforce queryAll more', (context) => this.more(context));
    api('/composite/sobjects/:object/:field', 'PATCH', 'Salesforce collections upsert', (context) =>
      this.collectionsUpsert(context),
    );
    api('/sobjects/:object/:field/:value', 'PATCH', 'Salesforce upsert', (context) => this.singleUpsert(context));
  }

  private token(context: SimulatorContext): Promise<void> {
    return context.body().then((body) => {
      const form = body.form();
      if (this.oauth.token(context, form, (answer, extra) => this.issue(answer, extra))) return;
      if (form.get('grant_type') !== 'client_credentials')
        return context.json(400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
      if (form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
        return context.json(400, { error: 'invalid_client', error_description: 'invalid client credentials' });
      }
      if (!this.runAsUserEnabled)
        return context.json(400, { error: 'invalid_grant', error_description: 'no client credentials user enabled' });
      this.issue(context);
    });
  }

  /** A session (access token) in Salesforce's token answer; `extra` adds the flow's fields (refresh token, scope). */
  private issue(context: SimulatorContext, extra: Record<string, string> = {}): void {
    const token = `${this.options.orgId}!${randomBytes(48).toString('base64url')}`;
    this.sessions.set(token, { expiresAt: context.clock.now() + this.options.sessionSeconds * 1000 });
    this.server.bump('tokensIssued');
    // No expires_in; a refresh token only from the web server flow (API-FACTS §3.1).
    context.json(200, {
      access_token: token,
      signature: randomBytes(32).toString('base64'),
      scope: 'api',
      instance_url: this.server.url,
      id: `${this.server.url}/id/${this.options.orgId}/005000000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(context.clock.now()),
      ...extra,
    });
  }

  /** The checks every API call passes first (URI length, session, daily allocation): true when it may go on. */
  guard(context: SimulatorContext): boolean {
    return !this.refuseLongUri(context) && this.admit(context);
  }

  /** 414 for a URI over the limit, 431 for URI and headers over it; the edge answers before any session check. */
  private refuseLongUri(context: SimulatorContext): boolean {
    const uri = context.request.url ?? '';
    const headers = context.request.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part) + 2, 0);
    const limit = this.options.maxUriLength;
    if (Buffer.byteLength(uri) > limit) {
      this.server.bump('uriTooLong');
      context.text(414, 'URI Too Long');
      return true;
    }
    if (Buffer.byteLength(uri) + headers > Math.max(limit, 16_384)) {
      context.text(431, 'Request Header Fields Too Large');
      return true;
    }
    return false;
  }

  /** Session check, then the daily allocation (403 REQUEST_LIMIT_EXCEEDED, never 429). */
  private admit(context: SimulatorContext): boolean {
    const now = context.clock.now();
    const match = /^Bearer\s+(\S+)$/.exec(context.header('authorization') ?? '');
    const session = match?.[1] ? this.sessions.get(match[1]) : undefined;
    if (!session || session.expiresAt <= now) {
      sfError(context, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      return false;
    }
    session.expiresAt = now + this.options.sessionSeconds * 1000;
    if (this.count(now) >= this.options.dailyRequests) {
      this.server.bump('requestLimitRefused');
      sfError(context, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      return false;
    }
    this.used.push(now);
    return true;
  }

  private count(now: number): number {
    this.used = this.used.filter((at) => at > now - 86_400_000);
    return this.used.length;
  }

  private limitHeader(): Record<string, string> {
    return { 'sforce-limit-info': `api-usage=${this.usage().used}/${this.options.dailyRequests}` };
  }

  private describeGlobal(context: SimulatorContext): void {
    context.json(
      200,
      {
        encoding: 'UTF-8',
        maxBatchSize: 200,
        sobjects: salesforceObjects.map((object) => ({
          name: object.name,
          label: object.label,
          labelPlural: object.labelPlural,
          keyPrefix: object.keyPrefix,
          custom: object.custom,
          createable: true,
          updateable: true,
          queryable: true,
          deletable: true,
        })),
      },
      this.limitHeader(),
    );
  }

  private describe(context: SimulatorContext): void {
    const object = salesforceObjectByName.get(context.params.object ?? '');
    if (!object) return sfError(context, 404, 'NOT_FOUND', 'The requested resource does not exist');
    context.json(
      200,
      {
        name: object.name,
        label: object.label,
        labelPlural: object.labelPlural,
        keyPrefix: object.keyPrefix,
        custom: object.custom,
        createable: true,
        updateable: true,
        queryable: true,
        fields: object.fields.map(describeField),
      },
      this.limitHeader(),
    );
  }

  private query(context: SimulatorContext, includeDeleted = false): void {
    let query: SoqlQuery;
    try {
      query = parseSoql(context.query.get('q') ?? '');
    } catch (error) {
      return sfError(context, 400, 'MALFORMED_QUERY', error instanceof SoqlError ? error.message : 'malformed query');
    }
    const object = salesforceObjectByName.get(query.object);
    if (!object)
      return sfError(
        context,
        400,
        'INVALID_TYPE',
        `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
      );
    const known = new Set(object.fields.map((spec) => spec.name));
    const unknown = [
      ...query.fields,
      ...query.where.map((part) => part.condition.field),
      ...query.orderBy.map((order) => order.field),
    ].find((name) => !known.has(name));
    if (unknown)
      return sfError(
        context,
        400,
        'INVALID_FIELD',
        `No such column '${unknown}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
      );
    // Date and datetime literals are written bare (`SystemModstamp >= 2024-01-01T00:00:00Z`); quoted, Salesforce
    // refuses the filter (SOQL and SOSL Reference, "Date Formats and Date Literals": "the date is not enclosed
    // in single quotes"). A datetime without a zone never parses as a literal: MALFORMED_QUERY above.
    for (const { condition } of query.where) {
      const type = object.fields.find((spec) => spec.name === condition.field)?.type;
      const values = Array.isArray(condition.value) ? condition.value : [condition.value];
      if ((type === 'datetime' || type === 'date') && values.some((value) => typeof value === 'string'))
        return sfError(
          context,
          400,
          'INVALID_FIELD',
          `value of filter criterion for field '${condition.field}' must be of type ${type === 'date' ? 'date' : 'dateTime'} and should not be enclosed in quotes`,
        );
    }
    const read = (record: SalesforceRecord, field: string) => this.store.read(record, field);
    let rows = [
      ...this.store.records(object.name),
      ...(includeDeleted ? this.store.deletedRecords(object.name) : []),
    ].filter((record) => matchesWhere(query.where, (field) => read(record, field)));
    const order = query.orderBy.length ? query.orderBy : [{ field: 'Id', descending: false }];
    rows.sort((left, right) => {
      for (const { field, descending } of order) {
        const a = String(read(left, field) ?? '');
        const b = String(read(right, field) ?? '');
        if (a !== b) return (a < b ? -1 : 1) * (descending ? -1 : 1);
      }
      return 0;
    });
    if (query.limit !== undefined) rows = rows.slice(0, query.limit);
    const batch = /batchSize=(\d+)/.exec(context.header('sforce-query-options') ?? '');
    const pageSize = Math.min(
      Math.max(batch ? Number(batch[1]) : this.options.queryPageSize, 200),
      this.options.queryPageSize,
    );
    this.page(context, { rows, query, offset: 0, pageSize });
  }

  private more(context: SimulatorContext): void {
    const cursor = this.cursors.get(context.params.locator ?? '');
    if (!cursor) return sfError(context, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    this.cursors.delete(context.params.locator ?? '');
    this.page(context, cursor);
  }

  private page(
    context: SimulatorContext,
    cursor: { rows: SalesforceRecord[]; query: SoqlQuery; offset: number; pageSize: number },
  ): void {
    const slice = cursor.rows.slice(cursor.offset, cursor.offset + cursor.pageSize);
    const done = cursor.offset + slice.length >= cursor.rows.length;
    const body: Record<string, unknown> = {
      totalSize: cursor.rows.length,
      done,
      records: slice.map((record) => ({
        attributes: {
          type: cursor.query.object,
          url: `/services/data/${this.options.apiVersion}/sobjects/${cursor.query.object}/${record.Id}`,
        },
        ...Object.fromEntries(cursor.query.fields.map((field) => [field, this.store.read(record, field)])),
      })),
    };
    if (!done) {
      const locator = `01g${randomBytes(6).toString('hex').toUpperCase()}`;
      const next = { ...cursor, offset: cursor.offset + slice.length };
      this.cursors.set(`${locator}-${next.offset}`, next);
      body.nextRecordsUrl = `/services/data/${this.options.apiVersion}/query/${locator}-${next.offset}`;
    }
    context.json(200, body, this.limitHeader());
  }

  private async collectionsUpsert(context: SimulatorContext): Promise<void> {
    const object = salesforceObjectByName.get(context.params.object ?? '');
    if (!object) return sfError(context, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const field = context.params.field ?? '';
    const spec = object.fields.find((candidate) => candidate.name === field);
    if (!spec || !(spec.externalId || field === 'Id')) {
      return sfError(
        context,
        400,
        'INVALID_FIELD',
        `Field name provided, ${field} is not an External ID or indexed field for ${object.name}`,
      );
    }
    let body: { allOrNone?: boolean; records?: Array<Record<string, unknown>> };
    try {
      body = (await context.body()).json();
    } catch {
      return sfError(context, 400, 'JSON_PARSER_ERROR', 'Unexpected character: was expecting a JSON value');
    }
    const records = body.records ?? [];
    this.largestBatch.set(object.name, Math.max(this.largestBatch.get(object.name) ?? 0, records.length));
    if (records.length > this.options.maxCollection) {
      return sfError(
        context,
        400,
        'EXCEEDED_ID_LIMIT',
        `record limit reached. cannot submit more than ${this.options.maxCollection} records into this call`,
      );
    }
    const wrongType = records.find(
      (record) => (record.attributes as { type?: string } | undefined)?.type !== object.name,
    );
    if (wrongType)
      return sfError(
        context,
        400,
        'INVALID_FIELD',
        'Each record must carry attributes.type matching the sObject in the URL.',
      );
    // The body is read into sObjects before any record is saved, so a field the object does not have
    // fails the whole request with 400 INVALID_FIELD, not one SaveResult (issue 15; the same 400 and
    // message for a single-record write: MinnPost/object-sync-for-salesforce#194, "No such column
    // 'RecordTypeId' on sobject of type Contact", Code: 400).
    for (const record of records) {
      const unknown = Object.keys(record).find((name) => name !== 'attributes' && !knownOn(object, name));
      if (unknown)
        return sfError(context, 400, 'INVALID_FIELD', `No such column '${unknown}' on sobject of type ${object.name}`, {
          fields: [unknown],
        });
    }
    const results = this.store.upsert(object, field, records, body.allOrNone === true);
    this.server.bump('recordsWritten', results.filter((result) => result.success).length);
    context.json(200, results, this.limitHeader());
  }

  private async singleUpsert(context: SimulatorContext): Promise<void> {
    const object = salesforceObjectByName.get(context.params.object ?? '');
    const field = context.params.field ?? '';
    if (!object || !object.fields.some((spec) => spec.name === field && spec.externalId))
      return sfError(
        context,
        404,
        'NOT_FOUND',
        'Provided external ID field does not exist or is not accessible: ' + field,
      );
    const matches = this.store.findAll(object.name, field, context.params.value);
    if (matches.length > 1)
      return context.json(
        300,
        matches.map((record) => `/services/data/${this.options.apiVersion}/sobjects/${object.name}/${record.Id}`),
      );
    const record = { ...(await context.body()).json<Record<string, unknown>>(), [field]: context.params.value };
    const [result] = this.store.upsert(object, field, [record], false);
    if (!result!.success)
      return context.json(
        400,
        result!.errors.map((error) => ({ message: error.message, errorCode: error.statusCode, fields: error.fields })),
      );
    context.json(result!.created ? 201 : 200, result, this.limitHeader());
  }
}

/** A field name or a relationship name (`Account__r`, `Parent`) of the object. */
function knownOn(object: SalesforceObjectSpec, name: string): boolean {
  return object.fields.some(
    (spec) => spec.name === name || (spec.relationshipName !== undefined && spec.relationshipName === name),
  );
}
