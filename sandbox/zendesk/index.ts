import { createSandboxServer, type SandboxControl } from '../kit';
import { registerZendeskRoutes } from './zendesk-routes';
import { ZendeskState, type ZendeskSandboxSettings } from './zendesk-state';
import type { ZdRecord } from './zendesk-store';

/**
 * Zendesk Support sandbox (API-FACTS §4 and §7): API-token Basic auth and OAuth
 * Bearer (rotating refresh), cursor pages ≤ 100 with `has_more`, offset pages
 * refused past 10,000, organizations `create_or_update` 200/201 with unique
 * names (422 RecordInvalid), users `create_or_update_many` ≤ 100 as a job with
 * `Failed` items, > 30 open jobs → 429, bulk import off by default → 403,
 * organizations `create_many`/`update_many` jobs, organization search by `name`/`external_id` only, a per-minute
 * limit answering 429 + Retry-After with a text body, and the `*_fields` endpoints.
 */
export interface ZendeskSandboxOptions {
  port?: number;
  seed?: number;
  counts?: { organizations?: number; users?: number; tickets?: number };
  settings?: Partial<ZendeskSandboxSettings>;
}

export interface ZendeskSandboxControl extends SandboxControl {
  setBulkImport(enabled: boolean): void;
  configure(settings: Partial<ZendeskSandboxSettings>): void;
  /** Edits records now (their `updated_at` moves), as a Zendesk user would. */
  touch(kind: 'organizations' | 'users' | 'tickets', ids: number[]): number[];
  /** Deletes records (organizations `deleted_at`, users `active: false`, tickets `status: "deleted"`). */
  remove(kind: 'organizations' | 'users' | 'tickets', ids: number[]): number[];
  /** Invalidates every OAuth access token (next call → 401 invalid_token). */
  expireTokens(): number;
  /** A refresh token as if a user had authorised the OAuth client. */
  issueRefreshToken(): string;
}

export interface ZendeskSandboxInspect {
  organizations(): ZdRecord[];
  users(): ZdRecord[];
  tickets(): ZdRecord[];
  jobs(): ZdRecord[];
  /** Most users any create_or_update_many call carried. */
  largestBatch(): number;
  /** Most organizations any create_many/update_many call carried. */
  largestOrganizationBatch(): number;
  fields(kind: 'organization_fields' | 'user_fields' | 'ticket_fields'): ZdRecord[];
}

export interface ZendeskSandbox {
  readonly url: string;
  connection(mode?: 'api_token' | 'oauth'): {
    system: 'zendesk';
    name: string;
    sandbox: true;
    settings: { subdomain: string; authMode: 'api_token' | 'oauth'; baseUrl: string };
    secrets: Record<string, string>;
  };
  readonly control: ZendeskSandboxControl;
  readonly inspect: ZendeskSandboxInspect;
  close(): Promise<void>;
}

export async function startZendeskSandbox(options: ZendeskSandboxOptions = {}): Promise<ZendeskSandbox> {
  const seed = options.seed ?? 1;
  const settings: ZendeskSandboxSettings = {
    email: 'admin@mlc-sandbox.example',
    apiToken: `mlcSandboxZendeskToken${seed}xxxxxxxxxxxx`,
    clientId: 'mlc_sandbox_client',
    clientSecret: `mlc-sandbox-zendesk-client-secret-${seed}`,
    // A stock tenant: bulk user import stays off until a test (or support) turns it on.
    bulkImportEnabled: false,
    maxBatch: 100,
    maxOpenJobs: 30,
    jobDurationMs: 150,
    rateLimitPerMinute: 700,
    tokenLifetimeSeconds: null,
    userJobResults: 'inOrder',
    incrementalPageSize: 1000,
    startTimeFloorSeconds: 60,
    incrementalPerMinute: 10,
    ...options.settings,
  };
  // Assigned once the server exists; the server's callbacks only run after that.
  const holder: { state?: ZendeskState } = {};
  const server = createSandboxServer({
    system: 'zendesk',
    port: options.port,
    seed,
    onExpireTokens: () => holder.state?.expireAccessTokens(),
    extraStats: () => ({
      jobs: holder.state?.jobs.size ?? 0,
      openJobs: holder.state?.openJobs() ?? 0,
      bulkImportEnabled: settings.bulkImportEnabled,
    }),
  });
  const current = new ZendeskState(
    settings,
    server.clock,
    () => server.url,
    seed,
    {
      organizations: options.counts?.organizations ?? 30,
      users: options.counts?.users ?? 40,
      tickets: options.counts?.tickets ?? 12,
    },
    (counter) => server.bump(counter),
  );
  holder.state = current;
  registerZendeskRoutes(server, current);

  const clone = (records: Iterable<ZdRecord>) => [...records].map((record) => structuredClone(record));
  const inspect: ZendeskSandboxInspect = {
    organizations: () => clone(current.records.organizations.values()),
    users: () => clone(current.records.users.values()),
    tickets: () => clone(current.records.tickets.values()),
    jobs: () => [...current.jobs.values()].map((job) => current.jobView(job)),
    largestBatch: () => current.largestBatch,
    largestOrganizationBatch: () => current.largestOrganizationBatch,
    fields: (kind) => clone(current.fields[kind]),
  };
  const extra = {
    setBulkImport: (enabled: boolean) => void (settings.bulkImportEnabled = enabled),
    configure: (changes: Partial<ZendeskSandboxSettings>) => void Object.assign(settings, changes),
    expireTokens: () => current.expireAccessTokens(),
    touch: (kind: 'organizations' | 'users' | 'tickets', ids: number[]) => current.touch(kind, ids),
    remove: (kind: 'organizations' | 'users' | 'tickets', ids: number[]) => current.remove(kind, ids),
    issueRefreshToken: () => current.issueRefreshToken(),
  };
  server.action('setBulkImport', (args) =>
    extra.setBulkImport((args as { enabled?: boolean } | null)?.enabled !== false),
  );
  server.action('configure', (args) => extra.configure((args ?? {}) as Partial<ZendeskSandboxSettings>));
  server.action('expireTokens', () => extra.expireTokens());
  for (const name of ['organizations', 'users', 'tickets', 'jobs'] as const) server.action(name, () => inspect[name]());
  const control: ZendeskSandboxControl = Object.assign(Object.create(null) as object, server.control, extra);

  await server.listen();
  return {
    url: server.url,
    connection: (mode = 'api_token') => ({
      system: 'zendesk',
      name: 'Zendesk Support sandbox',
      sandbox: true,
      settings: { subdomain: 'mlc-sandbox', authMode: mode, baseUrl: server.url },
      secrets: (mode === 'api_token'
        ? { email: settings.email, api_token: settings.apiToken }
        : { client_id: settings.clientId, client_secret: settings.clientSecret }) as Record<string, string>,
    }),
    control,
    inspect,
    close: () => server.close(),
  };
}
