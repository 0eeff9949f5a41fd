import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorDescriptorSchema, type ConnectorDescriptor } from '../../../shared/connectors/descriptor';
import { formatSince } from '../../../electron/backend/connectors/framework/since';
import { entitySchemaSchema } from '../../../shared/domain/entity-schema';
import type { Connector, JsonObject, SourceRecord } from '../../../electron/backend/connectors/framework/connector';
import type { RetryEvent } from '../../../electron/backend/http/http-client';
import type { RecordedRequest, SandboxControl } from '../../../sandbox/kit';

/**
 * The conformance kit (DESIGN §4). `describeConformance` registers vitest
 * tests that every connector must pass against its sandbox. A connector area
 * calls it once per flavour:
 *
 * ```ts
 * describeConformance({
 *   name: 'Zoho CRM',
 *   start: () => startZohoSandbox(),
 *   connector: (sandbox, options) => new ZohoConnector({ ...environment(sandbox), http: options.http }),
 *   auth: { ... },
 *   entities: { Accounts: { pageSize: 200, count: (s) => s.control.count('Accounts'), modify: … , write: … } },
 * });
 * ```
 *
 * Everything system-specific (how to break credentials, how to inject a
 * fault, how many records the sandbox holds) comes in as callbacks, so the
 * kit never knows which sandbox it drives.
 */
export interface ConnectorOptions {
  /** Fast retry timing and a retry observer, so Retry-After can be checked. */
  http: {
    timing: { baseDelayMs: number; maxDelayMs: number };
    maxRetries: number;
    onRetry: (event: RetryEvent) => void;
  };
}

export interface WriteCase {
  matchKey: string[];
  /** Records to write; more than the descriptor's max batch so splitting is exercised. */
  records(count: number): JsonObject[];
  /** Index positions (in `records`) that the sandbox will refuse, e.g. a missing required field. */
  invalid: number[];
  /** Largest batch the sandbox saw for this entity since the last reset. */
  largestBatch(): number;
}

export interface EntityCase<S> {
  /** Page size to read with (small, so several pages are needed); for server-sized pages (OData nextLink), the server's size. */
  pageSize: number;
  /** Records the sandbox holds for this entity. */
  count(sandbox: S): number;
  /** Changes `n` records now and returns their keys as the connector reports them; omit for entities read in full. */
  modify?(sandbox: S, n: number): Promise<string[]> | string[];
  write?: WriteCase;
}

/** Every simulator exposes the kit's control, whose request log shows what really went over the wire. */
export interface ConformanceSandbox {
  close(): Promise<void>;
  control: SandboxControl;
}

export interface ConformanceTarget<S extends ConformanceSandbox> {
  name: string;
  start(): Promise<S>;
  connector(sandbox: S, options: ConnectorOptions): Connector;
  auth: {
    /** A connector whose client credentials are wrong. */
    badClient(sandbox: S, options: ConnectorOptions): Connector;
    /** Make the account refused (and undo it). */
    revokeAccount?(sandbox: S): void;
    restoreAccount?(sandbox: S): void;
    /** Invalidate issued access tokens now (next call → 401). */
    expireTokens?(sandbox: S): void;
    /** Tokens the sandbox issued so far (to prove exactly one refresh). */
    tokensIssued?(sandbox: S): number;
    /** Error codes a refused credential may surface as. */
    failureCodes?: string[];
  };
  /** Throttle the next `times` calls with `status` and a Retry-After of `retryAfterSeconds` (undefined = none). */
  throttle(sandbox: S, status: 429 | 503, times: number, retryAfterSeconds?: number): void;
  clearFaults(sandbox: S): void;
  entities: Record<string, EntityCase<S>>;
  /** Real-world payloads the connector's parsers must accept; each returns what it parsed for a sanity check. */
  fixtures?: Array<{ file: string; parse(): unknown }>;
}

const fastHttp = (events: RetryEvent[]): ConnectorOptions => ({
  http: { timing: { baseDelayMs: 5, maxDelayMs: 50 }, maxRetries: 4, onRetry: (event) => events.push(event) },
});

async function readAll(connector: Connector, entity: string, options: { since?: string; pageSize: number }) {
  const records: SourceRecord[] = [];
  let pages = 0;
  for await (const page of connector.read(entity, options)) {
    pages += 1;
    expect(page.records.length).toBeLessThanOrEqual(Math.max(options.pageSize, 1) * 2);
    records.push(...page.records);
  }
  return { records, pages };
}

/**
 * How a recorded call falls short of the descriptor's `headers`. Fixed values must
 * arrive as declared; a templated value (`{lnCompany}`) goes out only when its
 * setting is filled, so it is checked for leftovers when present. Content-Type
 * describes a body (RFC 9110 §8.3): checked on calls that carry one, and every
 * such call must name its media type, declared or not.
 */
export function headerProblems(call: RecordedRequest, declared: Record<string, string>): string[] {
  const problems: string[] = [];
  const where = `${call.method} ${call.path}`;
  for (const [rawName, template] of Object.entries(declared)) {
    const name = rawName.toLowerCase();
    if (name === 'content-type' && !call.hasBody) continue;
    const sent = call.headers[name];
    if (!/\{[A-Za-z0-9_.]+\}/.test(template)) {
      if (sent !== template)
        problems.push(
          `${where}: ${name} was ${sent === undefined ? 'missing' : JSON.stringify(sent)}, declared ${JSON.stringify(template)}`,
        );
    } else if (sent !== undefined && /\{[A-Za-z0-9_.]+\}/.test(sent))
      problems.push(`${where}: ${name} went out unfilled (${sent})`);
  }
  if (call.hasBody && !call.headers['content-type']) problems.push(`${where}: a body went out without Content-Type`);
  return problems;
}

/** `baseUrl` + `endpoint` as regex source: literals escaped, each `{placeholder}` matching anything. */
function templateSource(baseUrl: string, endpoint: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${endpoint.replace(/^\/+/, '')}`
    .split(/\{[A-Za-z0-9_.]+\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
}

type ReadSpec = NonNullable<ConnectorDescriptor['entities'][string]['read']>;

/**
 * The declared `baseUrl` + `endpoint` as a path pattern: placeholders match anything, M3 matrix
 * parameters (`;maxrecs=`) may follow, and server-built next links may go deeper or add `.json`.
 */
export function endpointPattern(descriptor: ConnectorDescriptor, read: ReadSpec): RegExp {
  return new RegExp(
    `^.*${templateSource(descriptor.baseUrl, read.endpoint)}${read.pagination.style === 'nextLink' ? '([./].*)?' : ''}(;.*)?$`,
  );
}

/**
 * The declared write endpoint as a path pattern: placeholders match anything and a record's own
 * path may follow (`/tickets/{id}`, Cin7 `/purchase/order`); an OData `$batch` carries the declared
 * entity set in its parts (Dataverse).
 */
export function writePattern(baseUrl: string, endpoint: string): RegExp {
  return new RegExp(`^.*(${templateSource(baseUrl, endpoint)}(/.*)?|${templateSource(baseUrl, '$batch')})$`);
}

/**
 * How the calls of one read fall short of what the descriptor declares: the endpoint, the fixed
 * query, the page size (parameter or header), the paging parameter on later pages, and — when
 * `since` was given — the modified-since parameter, header or filter in the declared format.
 */
export function readWireProblems(
  descriptor: ConnectorDescriptor,
  entity: string,
  calls: RecordedRequest[],
  read: { pageSize: number; pages: number; since?: string },
): string[] {
  const spec = descriptor.entities[entity]?.read;
  if (!spec) return [`${entity} declares no read`];
  // A watermark read on an endpoint of its own (Zendesk incremental exports) pages its own way:
  // what is declared of it is the endpoint and the modified-since parameter.
  const ownEndpoint = read.since ? spec.modifiedSince?.endpoint : undefined;
  const pattern = ownEndpoint
    ? new RegExp(`^.*${templateSource(descriptor.baseUrl, ownEndpoint)}([./].*)?$`)
    : endpointPattern(descriptor, spec);
  // Matrix parameters (M3 `;maxrecs=1000`) count as query parameters.
  const pageCalls = calls
    .filter((call) => pattern.test(call.path))
    .map((call) => ({
      ...call,
      query: {
        ...Object.fromEntries(
          call.path
            .split(';')
            .slice(1)
            .map((pair) => pair.split('=', 2) as [string, string]),
        ),
        ...call.query,
      },
    }));
  const problems: string[] = [];
  if (pageCalls.length < read.pages)
    problems.push(`${read.pages} pages read, but only ${pageCalls.length} calls went to ${pattern}`);
  for (const call of pageCalls) if (call.method !== 'GET') problems.push(`${call.method} ${call.path}: reads are GET`);
  const first = pageCalls[0];
  if (!first) return problems;
  const where = `first page ${first.path}`;
  const { pagination } = spec;
  if (ownEndpoint) {
    const since = spec.modifiedSince!;
    const value = formatSince(since.format, read.since!);
    const sent = since.via === 'param' ? first.query[since.template] : first.headers[since.template.toLowerCase()];
    if (sent !== value)
      problems.push(`${where}: modified-since (${since.via} ${since.template}) was ${sent}, expected ${value}`);
    return problems;
  }
  const pageSize = String(Math.max(pagination.minPageSize ?? 1, Math.min(read.pageSize, pagination.maxPageSize)));
  for (const [name, value] of Object.entries(spec.query)) {
    if (/\{[A-Za-z0-9_.]+\}/.test(value) ? first.query[name] === undefined : first.query[name] !== value)
      problems.push(`${where}: query ${name} was ${first.query[name]}, declared ${value}`);
  }
  // M3 EXPORTMI asks one row more (whether its header line counts toward maxrecs differs by version).
  const sizes = pagination.style === 'keyset' ? [pageSize, String(Number(pageSize) + 1)] : [pageSize];
  if (pagination.pageSizeParam && !sizes.includes(first.query[pagination.pageSizeParam] ?? '')) {
    problems.push(
      `${where}: ${pagination.pageSizeParam} was ${first.query[pagination.pageSizeParam]}, expected ${pageSize}`,
    );
  }
  if (pagination.pageSizeHeader) {
    const expected = pagination.pageSizeHeader.template.replace('{pageSize}', pageSize);
    const sent = first.headers[pagination.pageSizeHeader.name.toLowerCase()];
    if (sent !== expected)
      problems.push(`${where}: ${pagination.pageSizeHeader.name} was ${sent}, declared ${expected}`);
  }
  if (pagination.style === 'page' && first.query[pagination.pageParam!] !== '1')
    problems.push(`${where}: ${pagination.pageParam} was ${first.query[pagination.pageParam!]}, expected 1`);
  const second = pageCalls[1];
  if (second && (pagination.style === 'cursor' || pagination.style === 'bookmark')) {
    if (!second.query[pagination.cursorParam!])
      problems.push(`second page ${second.path}: no ${pagination.cursorParam}`);
    for (const [name, value] of Object.entries(pagination.nextQuery))
      if (second.query[name] !== value)
        problems.push(`second page: ${name} was ${second.query[name]}, declared ${value}`);
  }
  if (second && pagination.style === 'page' && second.query[pagination.pageParam!] !== '2')
    problems.push(`second page: ${pagination.pageParam} was ${second.query[pagination.pageParam!]}`);
  const since = read.since && spec.modifiedSince;
  if (since) {
    // A declared overlap asks that many seconds earlier (the connector drops what it already has).
    const value = formatSince(
      since.format,
      new Date(Date.parse(read.since!) - (since.overlapSeconds ?? 0) * 1000).toISOString(),
    );
    const sent =
      since.via === 'header'
        ? first.headers[since.template.toLowerCase()]
        : since.via === 'param'
          ? first.query[since.template]
          : since.filterParam
            ? first.query[since.filterParam]
            : Object.values(first.query).find((text) => text.includes(value));
    if (sent === undefined || !sent.includes(value))
      problems.push(
        `${where}: modified-since (${since.via} ${since.filterParam ?? since.template}) was ${sent}, expected ${value}`,
      );
  }
  return problems;
}

export function describeConformance<S extends ConformanceSandbox>(target: ConformanceTarget<S>): void {
  describe(`${target.name} conformance`, () => {
    let sandbox: S;
    const retries: RetryEvent[] = [];
    const open: Connector[] = [];
    const make = (factory: (options: ConnectorOptions) => Connector) => {
      const connector = factory(fastHttp(retries));
      open.push(connector);
      return connector;
    };

    beforeAll(async () => {
      sandbox = await target.start();
    });
    afterAll(async () => {
      await Promise.all(open.map((connector) => connector.close()));
      await sandbox?.close();
    });

    it('has a descriptor that parses', () => {
      const connector = make((options) => target.connector(sandbox, options));
      expect(() => connectorDescriptorSchema.parse(connector.descriptor)).not.toThrow();
      const ids = connector.entities().map((entity) => entity.id);
      for (const entity of Object.keys(target.entities)) expect(ids).toContain(entity);
    });

    it('signs in and reports tenant, latency and a sample', async () => {
      const result = await make((options) => target.connector(sandbox, options)).test();
      expect(result.error).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.sampleCount).toBeGreaterThan(0);
    });

    it('reports refused client credentials precisely', async () => {
      const result = await make((options) => target.auth.badClient(sandbox, options)).test();
      expect(result.ok).toBe(false);
      expect(target.auth.failureCodes ?? ['E_AUTH_FAILED']).toContain(result.error?.code);
    });

    it.runIf(target.auth.revokeAccount !== undefined)('reports a revoked account precisely', async () => {
      target.auth.revokeAccount!(sandbox);
      try {
        const result = await make((options) => target.connector(sandbox, options)).test();
        expect(result.ok).toBe(false);
        expect(target.auth.failureCodes ?? ['E_AUTH_FAILED']).toContain(result.error?.code);
        expect(result.error?.message).toMatch(/revoked|refused|invalid_grant/i);
      } finally {
        target.auth.restoreAccount?.(sandbox);
      }
    });

    it.runIf(target.auth.expireTokens !== undefined)(
      'refreshes exactly once when the token expires mid-run',
      async () => {
        const [entity, options] = Object.entries(target.entities)[0]!;
        const connector = make((http) => target.connector(sandbox, http));
        const pages = connector.read(entity, { pageSize: options.pageSize })[Symbol.asyncIterator]();
        expect((await pages.next()).done).toBe(false);
        const before = target.auth.tokensIssued?.(sandbox);
        target.auth.expireTokens!(sandbox);
        let rest = 0;
        for (let next = await pages.next(); !next.done; next = await pages.next()) rest += next.value.records.length;
        expect(rest).toBeGreaterThan(0);
        if (before !== undefined) expect(target.auth.tokensIssued!(sandbox) - before).toBe(1);
      },
    );

    for (const [entity, options] of Object.entries(target.entities)) {
      describe(entity, () => {
        it('pages to the end and stops, with every record once', async () => {
          const connector = make((http) => target.connector(sandbox, http));
          const { records, pages } = await readAll(connector, entity, { pageSize: options.pageSize });
          const expected = options.count(sandbox);
          expect(records).toHaveLength(expected);
          expect(new Set(records.map((record) => record.key)).size).toBe(expected);
          if (expected > options.pageSize) expect(pages).toBeGreaterThan(1);
          for (const record of records.slice(0, 20)) {
            expect(record.key).not.toBe('');
            expect(record.raw).toBeDefined();
            expect(JSON.parse(JSON.stringify(record.data))).toEqual(record.data);
            if (record.stamp) expect(new Date(record.stamp).toISOString()).toBe(record.stamp);
          }
        });

        it.runIf(options.modify !== undefined)('reads exactly the records modified since a watermark', async () => {
          const connector = make((http) => target.connector(sandbox, http));
          // Every stamp so far is older than this instant; the sandbox clock must be at or after it.
          const since = new Date(Date.now() - 1).toISOString();
          const keys = await options.modify!(sandbox, 7);
          const { records } = await readAll(connector, entity, { since, pageSize: options.pageSize });
          expect(records.map((record) => record.key).sort()).toEqual([...keys].sort());
          // Stamps may be coarser than milliseconds (FSM hundredths, M3 LMDT days): allow one second.
          for (const record of records)
            expect(Date.parse(record.stamp)).toBeGreaterThanOrEqual(Date.parse(since) - 1000);
        });

        it('discovers a valid EntitySchema', async () => {
          const connector = make((http) => target.connector(sandbox, http));
          const schema = await connector.schema(entity, { refresh: true });
          expect(() => entitySchemaSchema.parse(schema)).not.toThrow();
          expect(schema.fields.length).toBeGreaterThan(0);
          expect(schema.hash).toMatch(/^[0-9a-f]{16}$/);
          for (const key of schema.keyFields) expect(schema.fields.map((f) => f.name)).toContain(key);
        });

        if (options.write) {
          const write = options.write;
          it('never exceeds the batch limit and reports failures per record', async () => {
            const connector = make((http) => target.connector(sandbox, http));
            const spec = connector.descriptor.entities[entity]!.write;
            expect(spec.mode).not.toBe('read-only');
            const maxBatch = spec.mode === 'read-only' ? 1 : spec.maxBatch;
            const records = write.records(Math.min(maxBatch * 2 + 1, 25));
            const results = await connector.write(entity, records, { matchKey: write.matchKey });
            expect(results).toHaveLength(records.length);
            expect(write.largestBatch()).toBeLessThanOrEqual(maxBatch);
            results.forEach((result, index) => {
              if (write.invalid.includes(index)) {
                expect(result.outcome).toBe('failed');
                expect(result.error?.message).toBeTruthy();
              } else expect(result.outcome).not.toBe('failed');
            });
          });
        }
      });
    }

    it.each([
      [429, 1],
      [503, 1],
      [429, undefined],
    ] as const)('backs off on %s (Retry-After %s s) and succeeds', async (status, retryAfter) => {
      const [entity, options] = Object.entries(target.entities)[0]!;
      const connector = make((http) => target.connector(sandbox, http));
      await connector.test();
      retries.length = 0;
      target.throttle(sandbox, status, 2, retryAfter);
      try {
        const started = Date.now();
        let count = 0;
        for await (const page of connector.read(entity, { pageSize: options.pageSize })) {
          count += page.records.length;
          break;
        }
        expect(count).toBeGreaterThan(0);
        const mine = retries.filter((event) => event.status === status);
        expect(mine).toHaveLength(2);
        if (retryAfter !== undefined) {
          for (const event of mine) expect(event.delayMs).toBeGreaterThanOrEqual(retryAfter * 1000);
          expect(Date.now() - started).toBeGreaterThanOrEqual(mine.reduce((sum, event) => sum + event.delayMs, 0) - 50);
        }
      } finally {
        target.clearFaults(sandbox);
      }
    });

    it('sends what the descriptor declares for reads: endpoint, query, page size, paging and modified-since parameters', async () => {
      const connector = make((http) => target.connector(sandbox, http));
      const [entity, options] = Object.entries(target.entities)[0]!;
      await connector.test();
      for (const since of [undefined, new Date(Date.now() - 3_600_000).toISOString()]) {
        sandbox.control.clearRequests();
        const { pages } = await readAll(connector, entity, { pageSize: options.pageSize, since });
        const calls = sandbox.control.requests().filter((call) => call.metered);
        expect(
          readWireProblems(connector.descriptor, entity, calls, { pageSize: options.pageSize, pages, since }),
        ).toEqual([]);
        expect(calls.flatMap((call) => headerProblems(call, connector.descriptor.headers))).toEqual([]);
      }
    });

    // Last, so the records it writes never change what the other cases count.
    it("puts the descriptor's declared headers on every API call it makes, reads and writes", async () => {
      const connector = make((http) => target.connector(sandbox, http));
      const [entity, options] = Object.entries(target.entities)[0]!;
      const writable = Object.entries(target.entities).find(([, entityCase]) => entityCase.write !== undefined);
      await connector.test();
      sandbox.control.clearRequests();
      for await (const page of connector.read(entity, { pageSize: options.pageSize })) {
        expect(page.records.length).toBeGreaterThan(0);
        break;
      }
      if (writable) {
        const [name, entityCase] = writable;
        const records = entityCase.write!.records(3).filter((_, index) => !entityCase.write!.invalid.includes(index));
        const results = await connector.write(name, records, { matchKey: entityCase.write!.matchKey });
        for (const result of results) expect(result.error).toBeUndefined();
      }
      // Token endpoints are not API calls: they carry only their own form headers.
      const calls = sandbox.control.requests().filter((call) => call.metered);
      expect(calls.some((call) => !call.hasBody)).toBe(true);
      if (writable) expect(calls.some((call) => call.hasBody)).toBe(true);
      expect(calls.flatMap((call) => headerProblems(call, connector.descriptor.headers))).toEqual([]);
    });

    // After the header case, for the same reason: it writes.
    it.runIf(Object.values(target.entities).some((entityCase) => entityCase.write !== undefined))(
      'writes to the endpoint the descriptor declares',
      async () => {
        const connector = make((http) => target.connector(sandbox, http));
        const [name, entityCase] = Object.entries(target.entities).find(
          ([, candidate]) => candidate.write !== undefined,
        )!;
        const write = connector.descriptor.entities[name]!.write;
        expect(write.mode).not.toBe('read-only');
        await connector.test();
        sandbox.control.clearRequests();
        const records = entityCase.write!.records(2).filter((_, index) => !entityCase.write!.invalid.includes(index));
        await connector.write(name, records, { matchKey: entityCase.write!.matchKey });
        const sent = sandbox.control.requests().filter((call) => call.metered && call.hasBody);
        expect(sent.length).toBeGreaterThan(0);
        const pattern = write.mode === 'read-only' ? /$^/ : writePattern(connector.descriptor.baseUrl, write.endpoint);
        expect(sent.filter((call) => !pattern.test(call.path)).map((call) => `${call.method} ${call.path}`)).toEqual(
          [],
        );
      },
    );

    for (const fixture of target.fixtures ?? []) {
      it(`parses the real payload ${fixture.file}`, () => {
        expect(fixture.parse()).toBeDefined();
      });
    }
  });
}
