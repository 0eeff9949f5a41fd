import { randomBytes } from 'node:crypto';
import type { SandboxClock, SimulatorContext } from '../kit';
import {
  checkCustomFields,
  recordInvalid,
  seedFieldDefinitions,
  seedRecords,
  type ZdKind,
  type ZdRecord,
} from './zendesk-store';
import type { IncrementalSettings } from './zendesk-incremental';

export interface ZendeskSandboxSettings extends IncrementalSettings {
  email: string;
  apiToken: string;
  clientId: string;
  clientSecret: string;
  /**
   * Bulk user imports (`/users/create_many`, `/users/create_or_update_many`): off by default in real
   * accounts until Zendesk support enables them (users OpenAPI fragment ~1091-1097 and ~1235-1241: 403).
   */
  bulkImportEnabled: boolean;
  maxBatch: number;
  maxOpenJobs: number;
  /** How long a job stays queued/working before it completes. */
  jobDurationMs: number;
  /** Per-minute account limit (Team 200 … Enterprise 700); null = none. */
  rateLimitPerMinute: number | null;
  /** OAuth access token lifetime; null = no expiry (Zendesk's default). */
  tokenLifetimeSeconds: number | null;
  /**
   * How a users `create_or_update_many` job lists its results. `inOrder` (default): one per user, in
   * input order (API-FACTS §4.3 and the real job results in
   * `fixtures/zendesk/create_or_update_many_users_real_job_results.json`). Unconfirmed: that Zendesk
   * never leaves an item out or reorders them (nothing published promises either), so `oneMissing`
   * drops the first user's result and `reversed` lists them last to first, for clients to prove they
   * do not trust position alone.
   */
  userJobResults: UserJobResults;
}

export const userJobResultModes = ['inOrder', 'oneMissing', 'reversed'] as const;
export type UserJobResults = (typeof userJobResultModes)[number];

/** One job result: users upserts carry `status`; organization jobs carry `index` (create) or `action`/`success` (update). */
export interface JobResultItem {
  id?: number | string;
  index?: number;
  action?: 'create' | 'update';
  success?: boolean;
  status: 'Created' | 'Updated' | 'Failed';
  email?: string;
  external_id?: string;
  error?: string;
  details?: string;
}

interface Job {
  id: string;
  type: string;
  createdAt: number;
  results: JobResultItem[];
}

const emailPattern = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;
const lower = (value: unknown) =>
  String(value ?? '')
    .trim()
    .toLowerCase();
const stampOf = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The Zendesk simulator's state and rules; routes stay thin. */
export class ZendeskState {
  readonly records: Record<ZdKind, Map<number, ZdRecord>>;
  readonly fields = seedFieldDefinitions();
  readonly jobs = new Map<string, Job>();
  largestBatch = 0;
  /** Most organizations any create_many/update_many call carried. */
  largestOrganizationBatch = 0;
  private readonly accessTokens = new Map<string, { expiresAt: number | null }>();
  private readonly refreshTokens = new Set<string>();
  private nextId = { organizations: 361_000_000_000, users: 901_000_000_000, tickets: 10_000 };
  private minute = { start: 0, used: 0 };
  private jobCounter = 0;

  constructor(
    readonly settings: ZendeskSandboxSettings,
    private readonly clock: SandboxClock,
    readonly baseUrl: () => string,
    seed: number,
    counts: { organizations: number; users: number; tickets: number },
    private readonly bump: (counter: string) => void,
  ) {
    const seeded = seedRecords(seed, counts, clock.now());
    this.records = {
      organizations: new Map(seeded.organizations.map((record) => [record.id, record as ZdRecord])),
      users: new Map(seeded.users.map((record) => [record.id, record as ZdRecord])),
      tickets: new Map(seeded.tickets.map((record) => [record.id, record as ZdRecord])),
    };
  }

  now(): number {
    return this.clock.now();
  }

  /** Edits records as a Zendesk user would: `updated_at` becomes now. */
  touch(kind: ZdKind, ids: number[]): number[] {
    return ids.filter((id) => {
      const record = this.records[kind].get(id);
      if (record) record.updated_at = stampOf(this.clock.now());
      return record !== undefined;
    });
  }

  /**
   * Deletes records as Zendesk does: they leave the lists but stay in the incremental exports,
   * organizations with `deleted_at`, users `active: false`, tickets `status: "deleted"`.
   */
  remove(kind: ZdKind, ids: number[]): number[] {
    const at = stampOf(this.clock.now());
    return ids.filter((id) => {
      const record = this.records[kind].get(id);
      if (!record) return false;
      if (kind === 'organizations') record.deleted_at = at;
      else if (kind === 'users') record.active = false;
      else record.status = 'deleted';
      record.updated_at = at;
      return true;
    });
  }

  /** Deleted records are not listed (only exported). */
  static listed(kind: ZdKind, record: ZdRecord): boolean {
    if (kind === 'organizations') return record.deleted_at === undefined || record.deleted_at === null;
    if (kind === 'tickets') return record.status !== 'deleted';
    return true;
  }

  authenticate(context: SimulatorContext): boolean {
    const header = context.header('authorization') ?? '';
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      if (decoded === `${this.settings.email}/token:${this.settings.apiToken}`) return true;
    } else if (header.startsWith('Bearer ')) {
      const token = this.accessTokens.get(header.slice(7));
      if (token && (token.expiresAt === null || this.clock.now() < token.expiresAt)) return true;
      context.json(401, {
        error: 'invalid_token',
        error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
      });
      return false;
    }
    context.json(401, { error: "Couldn't authenticate you" });
    return false;
  }

  /** Fixed per-minute window, like Zendesk's account limit: 429, Retry-After, a text body. */
  overMinuteLimit(context: SimulatorContext): boolean {
    const limit = this.settings.rateLimitPerMinute;
    if (limit === null) return false;
    const now = this.clock.now();
    const start = now - (now % 60_000);
    if (start !== this.minute.start) this.minute = { start, used: 0 };
    this.minute.used += 1;
    context.response.setHeader('x-rate-limit', String(limit));
    context.response.setHeader('x-rate-limit-remaining', String(Math.max(0, limit - this.minute.used)));
    if (this.minute.used <= limit) return false;
    this.bump('rateLimited');
    context.text(429, 'Number of allowed API requests per minute exceeded', 'text/plain; charset=utf-8', {
      'retry-after': String(Math.max(1, Math.ceil((start + 60_000 - now) / 1000))),
    });
    return true;
  }

  /** Cursor pages (`page[size]` ≤ 100, `page[after]`), or offset pages capped at 10,000 records. */
  page(context: SimulatorContext, kind: ZdKind, items: ZdRecord[]): void {
    const size = context.query.get('page[size]');
    const sorted = [...items].sort((left, right) => Number(left.id) - Number(right.id));
    const url = `${this.baseUrl()}/api/v2/${kind}.json`;
    if (size !== null || !context.query.has('page')) {
      const pageSize = Number(size ?? 100);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
        return context.json(400, {
          error: 'InvalidPaginationParameter',
          description: 'page[size] must be an integer between 1 and 100',
        });
      }
      const after = context.query.get('page[after]');
      const offset = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) : 0;
      if (!Number.isInteger(offset) || offset < 0)
        return context.json(400, {
          error: 'InvalidPaginationParameter',
          description: 'page[after] is not a valid cursor',
        });
      const slice = sorted.slice(offset, offset + pageSize);
      const hasMore = offset + pageSize < sorted.length;
      const afterCursor = slice.length > 0 ? Buffer.from(String(offset + slice.length)).toString('base64url') : null;
      const beforeCursor =
        slice.length > 0 ? Buffer.from(String(Math.max(0, offset - pageSize))).toString('base64url') : null;
      return context.json(200, {
        [kind]: slice,
        meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
        links: {
          next: hasMore ? `${url}?page%5Bafter%5D=${afterCursor}&page%5Bsize%5D=${pageSize}` : null,
          prev: offset > 0 ? `${url}?page%5Bbefore%5D=${beforeCursor}&page%5Bsize%5D=${pageSize}` : null,
        },
      });
    }
    const page = Math.max(1, Number(context.query.get('page') ?? 1));
    const perPage = Math.min(100, Math.max(1, Number(context.query.get('per_page') ?? 100)));
    if (page * perPage > 10_000) {
      return context.json(400, {
        error: 'InvalidPaginationParameter',
        description: 'Offset pagination is limited to the first 10,000 records. Use cursor pagination instead.',
      });
    }
    const slice = sorted.slice((page - 1) * perPage, page * perPage);
    context.json(200, {
      [kind]: slice,
      count: sorted.length,
      next_page: page * perPage < sorted.length ? `${url}?page=${page + 1}&per_page=${perPage}` : null,
      previous_page: page > 1 ? `${url}?page=${page - 1}&per_page=${perPage}` : null,
    });
  }

  me(): ZdRecord {
    return [...this.records.users.values()].find((user) => user.email === this.settings.email) ?? {};
  }

  saveOrganization(input: ZdRecord, upsert: boolean): { status: number; body: unknown } {
    let existing: ZdRecord | undefined;
    if (upsert && input.id !== undefined && input.id !== null) {
      existing = this.records.organizations.get(Number(input.id));
      if (!existing) return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
    } else if (upsert && input.external_id) {
      existing = [...this.records.organizations.values()].find(
        (record) => lower(record.external_id) === lower(input.external_id),
      );
    }
    const details: Record<string, Array<{ description: string; error: string }>> = {};
    const name = input.name === undefined ? existing?.name : input.name;
    if (!String(name ?? '').trim()) details.name = [{ description: 'Name: cannot be blank', error: 'BlankValue' }];
    else if (String(name).length > 255)
      details.name = [{ description: 'Name: is too long (maximum is 255 characters)', error: 'InvalidValue' }];
    else if (
      [...this.records.organizations.values()].some(
        (record) => record !== existing && lower(record.name) === lower(name),
      )
    ) {
      details.name = [{ description: 'Name: has already been taken', error: 'DuplicateValue' }];
    }
    if (
      !existing &&
      input.external_id &&
      [...this.records.organizations.values()].some((record) => lower(record.external_id) === lower(input.external_id))
    ) {
      details.external_id = [{ description: 'External: has already been taken', error: 'DuplicateValue' }];
    }
    Object.assign(
      details,
      checkCustomFields(input.organization_fields, this.fields.organization_fields, 'organization_fields'),
    );
    if (Object.keys(details).length > 0) return { status: 422, body: recordInvalid(details) };
    const now = stampOf(this.clock.now());
    if (existing) {
      const { id: _id, organization_fields: fields, ...rest } = input;
      Object.assign(existing, rest, { updated_at: now });
      if (fields)
        existing.organization_fields = { ...(existing.organization_fields as ZdRecord), ...(fields as ZdRecord) };
      return { status: 200, body: { organization: existing } };
    }
    const blankFields = Object.fromEntries(this.fields.organization_fields.map((field) => [String(field.key), null]));
    const record: ZdRecord = {
      details: '',
      notes: '',
      domain_names: [],
      tags: [],
      group_id: null,
      shared_tickets: false,
      shared_comments: false,
      external_id: null,
      ...input,
      id: (this.nextId.organizations += 1),
      organization_fields: { ...blankFields, ...((input.organization_fields as ZdRecord | undefined) ?? {}) },
      created_at: now,
      updated_at: now,
    };
    this.records.organizations.set(Number(record.id), record);
    return { status: 201, body: { organization: record } };
  }

  /** One user of create_or_update(_many): matched by external_id (case-insensitive), then e-mail. */
  saveUser(input: ZdRecord, index: number): JobResultItem {
    const users = [...this.records.users.values()];
    const existing =
      (input.external_id ? users.find((user) => lower(user.external_id) === lower(input.external_id)) : undefined) ??
      (input.email ? users.find((user) => lower(user.email) === lower(input.email)) : undefined);
    const problems: string[] = [];
    if (input.email !== undefined && input.email !== null && !emailPattern.test(String(input.email)))
      problems.push(`Email: ${String(input.email)} is not properly formatted`);
    const name = input.name ?? existing?.name;
    if (!String(name ?? '').trim()) problems.push('Name: is too short (minimum one character)');
    else if (String(name).length > 255) problems.push('Name: is too long (maximum is 255 characters)');
    if (input.role !== undefined && !['end-user', 'agent', 'admin'].includes(String(input.role)))
      problems.push('Role: is not included in the list');
    if (
      input.organization_id !== undefined &&
      input.organization_id !== null &&
      !this.records.organizations.has(Number(input.organization_id))
    )
      problems.push('Organization: is invalid');
    problems.push(
      ...Object.values(checkCustomFields(input.user_fields, this.fields.user_fields, 'user_fields')).flatMap((items) =>
        items.map((item) => item.description),
      ),
    );
    // Zendesk prefixes the joined messages with the first attribute it checked, as in its own job results.
    if (problems.length > 0)
      return {
        id: index,
        error: existing ? 'UserUpdateError' : 'UserCreateError',
        details: `Name: ${problems.join(', ')}`.replace(/^Name: Name: /, 'Name: '),
        status: 'Failed',
      };
    const now = stampOf(this.clock.now());
    if (existing) {
      const { id: _id, user_fields: fields, ...rest } = input;
      Object.assign(existing, rest, { updated_at: now });
      if (fields) existing.user_fields = { ...(existing.user_fields as ZdRecord), ...(fields as ZdRecord) };
      return {
        id: Number(existing.id),
        status: 'Updated',
        email: existing.email as string | undefined,
        ...(existing.external_id ? { external_id: String(existing.external_id) } : {}),
      };
    }
    const blankFields = Object.fromEntries(this.fields.user_fields.map((field) => [String(field.key), null]));
    const record: ZdRecord = {
      email: null,
      external_id: null,
      role: 'end-user',
      phone: null,
      time_zone: 'Amsterdam',
      locale: 'en-US',
      organization_id: null,
      notes: '',
      details: '',
      tags: [],
      verified: false,
      ...input,
      id: (this.nextId.users += 1),
      user_fields: { ...blankFields, ...((input.user_fields as ZdRecord | undefined) ?? {}) },
      created_at: now,
      updated_at: now,
    };
    this.records.users.set(Number(record.id), record);
    return {
      id: Number(record.id),
      status: 'Created',
      email: record.email as string | undefined,
      ...(record.external_id ? { external_id: String(record.external_id) } : {}),
    };
  }

  saveTicket(input: ZdRecord, id: number | undefined): { status: number; body: unknown } {
    const existing = id === undefined ? undefined : this.records.tickets.get(id);
    if (id !== undefined && !existing)
      return { status: 404, body: { error: 'RecordNotFound', description: 'Not found' } };
    const details: Record<string, Array<{ description: string; error: string }>> = {};
    const comment = input.comment as ZdRecord | undefined;
    if (!existing && !String(comment?.body ?? input.description ?? '').trim())
      details.description = [{ description: 'Description: cannot be blank', error: 'BlankValue' }];
    if (
      input.status !== undefined &&
      !['new', 'open', 'pending', 'hold', 'solved', 'closed'].includes(String(input.status))
    ) {
      details.status = [{ description: `Status: ${String(input.status)} is not valid`, error: 'InvalidValue' }];
    }
    const custom = Array.isArray(input.custom_fields) ? (input.custom_fields as ZdRecord[]) : [];
    for (const item of custom) {
      const definition = this.fields.ticket_fields.find((field) => field.id === Number(item.id) && !field.system);
      if (!definition)
        details[`custom_fields.${String(item.id)}`] = [
          { description: `Custom field ${String(item.id)}: does not exist`, error: 'InvalidValue' },
        ];
      else if (definition.type === 'decimal' && item.value !== null && Number.isNaN(Number(item.value))) {
        details[`custom_fields.${String(item.id)}`] = [
          { description: `${String(definition.title)}: is not a number`, error: 'InvalidValue' },
        ];
      } else if (
        definition.type === 'tagger' &&
        item.value !== null &&
        !(definition.custom_field_options as Array<{ value: string }>).some((option) => option.value === item.value)
      ) {
        details[`custom_fields.${String(item.id)}`] = [
          {
            description: `${String(definition.title)}: ${String(item.value)} is not a valid option`,
            error: 'InvalidValue',
          },
        ];
      }
    }
    if (Object.keys(details).length > 0) return { status: 422, body: recordInvalid(details) };
    const now = stampOf(this.clock.now());
    const merged = (previous: ZdRecord[]) => {
      const byId = new Map(previous.map((item) => [Number(item.id), item]));
      for (const item of custom) byId.set(Number(item.id), { id: Number(item.id), value: item.value ?? null });
      return [...byId.values()];
    };
    if (existing) {
      const { comment: _comment, custom_fields: _custom, id: _id, ...rest } = input;
      Object.assign(existing, rest, { custom_fields: merged(existing.custom_fields as ZdRecord[]), updated_at: now });
      return { status: 200, body: { ticket: existing } };
    }
    const { comment: _comment, ...rest } = input;
    const record: ZdRecord = {
      external_id: null,
      subject: '',
      status: 'new',
      type: null,
      priority: null,
      requester_id: this.me().id ?? null,
      organization_id: null,
      tags: [],
      ...rest,
      description: String(comment?.body ?? input.description ?? ''),
      id: (this.nextId.tickets += 1),
      custom_fields: merged(
        this.fields.ticket_fields.filter((field) => !field.system).map((field) => ({ id: field.id, value: null })),
      ),
      created_at: now,
      updated_at: now,
    };
    this.records.tickets.set(Number(record.id), record);
    return { status: 201, body: { ticket: record } };
  }

  /** A users upsert job's results as the `userJobResults` switch lists them (input order by default). */
  userJobResultsOf(results: JobResultItem[]): JobResultItem[] {
    const mode = this.settings.userJobResults;
    return mode === 'oneMissing' ? results.slice(1) : mode === 'reversed' ? [...results].reverse() : results;
  }

  startJob(type: string, results: JobResultItem[]): Job {
    this.jobCounter += 1;
    const job: Job = {
      id: `V3-${randomBytes(8).toString('hex')}${this.jobCounter}`,
      type,
      createdAt: this.clock.now(),
      results,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  private jobState(job: Job): 'queued' | 'working' | 'completed' {
    const elapsed = this.clock.now() - job.createdAt;
    return elapsed >= this.settings.jobDurationMs
      ? 'completed'
      : elapsed >= this.settings.jobDurationMs / 3
        ? 'working'
        : 'queued';
  }

  openJobs(): number {
    return [...this.jobs.values()].filter((job) => this.jobState(job) !== 'completed').length;
  }

  jobView(job: Job): ZdRecord {
    const status = this.jobState(job);
    const done = status === 'completed';
    return {
      id: job.id,
      job_type: job.type,
      url: `${this.baseUrl()}/api/v2/job_statuses/${job.id}.json`,
      total: done || status === 'working' ? job.results.length : null,
      progress: done ? job.results.length : status === 'working' ? Math.floor(job.results.length / 2) : null,
      status,
      message: done ? `Completed at ${new Date(this.clock.now()).toISOString()}` : null,
      results: done ? job.results : null,
    };
  }

  /** POST /oauth/tokens: client_credentials and refresh_token (which rotates both tokens). */
  async token(context: SimulatorContext): Promise<void> {
    let body: ZdRecord;
    try {
      body = (await context.body()).json<ZdRecord>();
    } catch {
      return context.json(400, { error: 'invalid_request', error_description: 'The request body is not JSON.' });
    }
    if (body.client_id !== this.settings.clientId || body.client_secret !== this.settings.clientSecret) {
      return context.json(401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
    }
    let refreshToken: string | undefined;
    if (body.grant_type === 'refresh_token') {
      if (!this.refreshTokens.delete(String(body.refresh_token)))
        return context.json(400, {
          error: 'invalid_grant',
          error_description: 'The refresh token is invalid or expired.',
        });
      for (const [token] of this.accessTokens) this.accessTokens.delete(token);
      refreshToken = randomBytes(24).toString('hex');
      this.refreshTokens.add(refreshToken);
    } else if (body.grant_type !== 'client_credentials') {
      return context.json(400, {
        error: 'unsupported_grant_type',
        error_description: 'Use client_credentials or refresh_token.',
      });
    }
    const accessToken = randomBytes(24).toString('hex');
    const lifetime = this.settings.tokenLifetimeSeconds;
    this.accessTokens.set(accessToken, { expiresAt: lifetime === null ? null : this.clock.now() + lifetime * 1000 });
    this.bump('tokensIssued');
    context.json(201, {
      access_token: accessToken,
      token_type: 'bearer',
      scope: String(body.scope ?? 'read write'),
      ...(lifetime === null ? {} : { expires_in: lifetime }),
      ...(refreshToken ? { refresh_token: refreshToken, refresh_token_expires_in: 2_592_000 } : {}),
    });
  }

  /** Test hook: an issued refresh token (as if a user had authorised the app). */
  issueRefreshToken(): string {
    const token = randomBytes(24).toString('hex');
    this.refreshTokens.add(token);
    return token;
  }

  expireAccessTokens(): number {
    const count = this.accessTokens.size;
    this.accessTokens.clear();
    return count;
  }
}
