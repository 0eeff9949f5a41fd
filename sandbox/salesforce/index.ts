import { generateKeyPairSync, type KeyPairKeyObjectResult } from 'node:crypto';
import { createSandboxServer, createRandom, recordRandom, type SandboxControl } from '../kit';
import { SalesforceApi, type SalesforceApiOptions } from './salesforce-api';
import { SalesforceBulk } from './salesforce-bulk';
import { SalesforceOAuth } from './salesforce-oauth';
import { salesforceObjectByName } from './salesforce-objects';
import { seedStandardPricebook, type SalesRules } from './salesforce-sales-objects';
import { SalesforceStore } from './salesforce-store';

/**
 * Salesforce REST simulator (API-FACTS §3, §7): client-credentials token on the
 * "My Domain" URL, describe, SOQL with `nextRecordsUrl`, sObject Collections
 * upsert with per-record SaveResults, the daily allocation (403, never 429)
 * and `Sforce-Limit-Info`.
 */
export interface SalesforceSandboxOptions extends Partial<
  Omit<SalesforceApiOptions, 'clientId' | 'clientSecret' | 'orgId'>
> {
  port?: number;
  seed?: number;
  seedAccounts?: number;
  /** Sales-object rules whose real behaviour is unconfirmed (salesforce-sales-objects.ts). */
  salesRules?: Partial<SalesRules>;
  /** Bulk API 2.0 job-info polls answering InProgress before a job is processed (default 1). */
  bulkPollsBeforeDone?: number;
  /** The JWT `aud` the org accepts: login.salesforce.com (production, default) or test.salesforce.com (sandbox orgs). */
  jwtAudience?: string;
}

/** What a JWT bearer connection to the simulator needs: the app's key pair and its approved user. */
export interface SalesforceJwtConnection {
  name: string;
  system: 'salesforce';
  sandbox: true;
  settings: {
    myDomainUrl: string;
    clientId: string;
    apiVersion: string;
    authFlow: 'jwt_bearer';
    username: string;
    loginUrl: string;
  };
  secrets: { private_key: string };
}

export interface SalesforceSandboxControl extends SandboxControl {
  expireSessions(): number;
  /** Revoke the refresh tokens the web server flow issued. */
  revokeRefreshTokens(): void;
  disableRunAsUser(): void;
  enableRunAsUser(): void;
  /** Edit records as a user would (their SystemModstamp moves to the sandbox clock). */
  modify(object: string, ids: string[]): string[];
  /** Deletes records (to the Recycle Bin, where `queryAll` still sees them). */
  remove(object: string, ids: string[]): string[];
  apiOptions: SalesforceApiOptions;
}

export interface SalesforceSandbox {
  url: string;
  connection(): {
    name: string;
    system: 'salesforce';
    sandbox: true;
    settings: { myDomainUrl: string; clientId: string; apiVersion: string };
    secrets: { client_secret: string };
  };
  /** A connection using the JWT bearer flow: the private key of the certificate the app holds. */
  jwtConnection(): SalesforceJwtConnection;
  control: SalesforceSandboxControl;
  inspect: {
    records(object: string): Array<Record<string, unknown>>;
    count(object: string): number;
    findBy(object: string, field: string, value: unknown): Record<string, unknown> | undefined;
    usage(): { used: number; limit: number };
    largestBatch(object: string): number;
    /** Bulk API 2.0 jobs so far: id, object, rows uploaded, current state. */
    bulkJobs(): Array<{ id: string; object: string; rows: number; state: string }>;
  };
  close(): Promise<void>;
}

export async function startSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const seed = options.seed ?? 1;
  const random = createRandom(`${seed}:salesforce:credentials`);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const text = (length: number) => Array.from({ length }, () => random.pick([...alphabet])).join('');
  const server = createSandboxServer({
    system: 'salesforce',
    port: options.port,
    seed,
    onExpireTokens: () => api.expireSessions(),
    extraStats: () => ({ usage: api.usage() }),
    // Bulk API 2.0 uploads take up to 150 MB of CSV per job.
    maxBodyBytes: 150 * 1024 * 1024,
  });
  const store = new SalesforceStore(() => server.clock.now());
  const apiOptions: SalesforceApiOptions = {
    apiVersion: options.apiVersion ?? 'v65.0',
    clientId: `3MVG9${text(80)}`,
    clientSecret: text(64).toUpperCase(),
    orgId: `00D5500000${text(5)}`,
    sessionSeconds: options.sessionSeconds ?? 7200,
    dailyRequests: options.dailyRequests ?? 100_000,
    queryPageSize: options.queryPageSize ?? 2000,
    maxCollection: options.maxCollection ?? 200,
    maxUriLength: options.maxUriLength ?? 16_384,
  };
  // The certificate's key pair: the app holds the public key, a JWT connection signs with the private one.
  // Made on first use: an RSA key takes a moment, and most runs use client credentials.
  let made: KeyPairKeyObjectResult | undefined;
  const keys = () => (made ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const username = 'integration@mlc-sandbox.example';
  const jwtAudience = options.jwtAudience ?? 'https://login.salesforce.com';
  const oauth = new SalesforceOAuth({
    clientId: apiOptions.clientId,
    clientSecret: apiOptions.clientSecret,
    callbackUrls: ['http://127.0.0.1/callback'],
    username,
    jwtKey: () => keys().publicKey,
    jwtAudience,
  });
  const api = new SalesforceApi(server, store, apiOptions, oauth);
  api.register();
  Object.assign(store.salesRules, options.salesRules);
  const bulk = new SalesforceBulk(
    server,
    store,
    { apiVersion: apiOptions.apiVersion, pollsBeforeDone: options.bulkPollsBeforeDone ?? 1 },
    (context) => api.guard(context),
  );
  bulk.register();
  seedData(store, seed, options.seedAccounts ?? 250, server.clock.now());
  seedStandardPricebook((object, values) => store.insertRaw(object, values, server.clock.now()));
  server.action('expireSessions', () => api.expireSessions());
  server.action('modify', (args) => {
    const { object, ids } = (args ?? {}) as { object?: string; ids?: string[] };
    return store.touch(String(object), ids ?? []);
  });
  server.action('records', (args) =>
    inspect.records(String((args as { object?: string } | undefined)?.object ?? 'Account')),
  );

  const view = (object: string, record: ReturnType<SalesforceStore['records']>[number]) => {
    const spec = salesforceObjectByName.get(object)!;
    return Object.fromEntries(spec.fields.map((field) => [field.name, store.read(record, field.name)]));
  };
  const inspect: SalesforceSandbox['inspect'] = {
    records: (object) => store.records(object).map((record) => view(object, record)),
    count: (object) => store.records(object).length,
    findBy: (object, field, value) => {
      const found = store.findAll(object, field, value)[0];
      return found ? view(object, found) : undefined;
    },
    usage: () => api.usage(),
    largestBatch: (object) => api.largestBatch.get(object) ?? 0,
    bulkJobs: () => bulk.history.map((job) => ({ id: job.id, object: job.object, rows: job.rows, state: job.state() })),
  };
  await server.listen();
  const control: SalesforceSandboxControl = Object.assign(Object.create(null) as object, server.control, {
    expireSessions: () => api.expireSessions(),
    revokeRefreshTokens: () => oauth.revokeRefreshTokens(),
    disableRunAsUser: () => void (api.runAsUserEnabled = false),
    enableRunAsUser: () => void (api.runAsUserEnabled = true),
    modify: (object: string, ids: string[]) => store.touch(object, ids),
    remove: (object: string, ids: string[]) => store.remove(object, ids),
    apiOptions,
  });
  return {
    url: server.url,
    connection: () => ({
      name: 'Salesforce sandbox',
      system: 'salesforce',
      sandbox: true,
      settings: { myDomainUrl: server.url, clientId: apiOptions.clientId, apiVersion: apiOptions.apiVersion },
      secrets: { client_secret: apiOptions.clientSecret },
    }),
    jwtConnection: () => ({
      name: 'Salesforce sandbox (JWT)',
      system: 'salesforce',
      sandbox: true,
      settings: {
        myDomainUrl: server.url,
        clientId: apiOptions.clientId,
        apiVersion: apiOptions.apiVersion,
        authFlow: 'jwt_bearer',
        username,
        loginUrl: jwtAudience,
      },
      secrets: { private_key: keys().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    }),
    control,
    inspect,
    close: () => server.close(),
  };
}

function seedData(store: SalesforceStore, seed: number, accounts: number, now: number): void {
  const account = salesforceObjectByName.get('Account')!;
  const contact = salesforceObjectByName.get('Contact')!;
  const start = now - 60 * 86_400_000;
  for (let index = 0; index < accounts; index += 1) {
    const random = recordRandom(seed, 'salesforce-accounts', index);
    const at = start + Math.floor((index / Math.max(1, accounts)) * 59 * 86_400_000);
    const created = store.insertRaw(
      account,
      {
        Name: `${random.pick(['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay'])} ${random.pick(['Corp', 'GmbH', 'Ltd'])} ${index + 1}`,
        Type: 'Prospect',
        BillingCity: random.pick(['Boston', 'Munich', 'Oslo']),
      },
      at,
    );
    if (index % 4 === 0)
      store.insertRaw(
        contact,
        {
          LastName: random.pick(['Ng', 'Ortiz', 'Berg']),
          FirstName: random.pick(['Sam', 'Kim']),
          AccountId: created.Id,
          Email: `c${index}@example.com`,
        },
        at,
      );
  }
}
