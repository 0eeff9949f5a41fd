import { createClient, type ApiClient } from '../../../shared/api/client';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow } from '../../../shared/domain/flow';
import { createBackend, type Backend, type BackendOptions } from '../../../electron/backend/backend';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox, type InforSandboxOptions } from '../../../sandbox/infor/index';
import { startZohoSandbox, type ZohoSandbox, type ZohoSandboxOptions } from '../../../sandbox/zoho/index';
import { tempDir } from '../../support/paths';

/** M3 customer (normalised by the Infor connector) → Zoho Account. */
export const customerToZohoAccount = `{
  "Infor_Customer_No": CUNO,
  "Account_Name": CUNM,
  "Account_Number": CUNO,
  "Billing_Street": CUA1,
  "Billing_City": TOWN,
  "Billing_Code": PONO,
  "Billing_Country": CSCD,
  "Phone": PHNO
}`;

export interface SyncWorld {
  dataDir: string;
  backend: Backend;
  api: ApiClient;
  infor: InforSandbox;
  zoho: ZohoSandbox;
  source: Connection;
  target: Connection;
  /** Saves a mapping and a flow through the contract, as the designer would. */
  flow(input: {
    name: string;
    expression: string;
    sourceEntity?: string;
    targetEntity?: string;
    matchKey?: string[];
    dependsOn?: string[];
    pageSize?: number;
    /** The flow's bulk threshold (0 = never take the target's bulk path). */
    bulkThreshold?: number;
    batchSize?: number;
    /** Write batches in flight at most (below the target's documented concurrency). */
    concurrency?: number;
    lookbackSeconds?: number;
  }): Promise<Flow>;
  /** A second backend on the same data folder (the next process after a crash). */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

/** Fast retries so storms in tests pass in seconds; the shape of the behaviour is unchanged. */
export const fastBackend = {
  connectorDefaults: {
    http: {
      timing: { baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000, random: Math.random, now: Date.now },
      breakerHalfOpenAfterMs: 300,
    },
  },
  syncResilience: { attempts: 8, initialDelayMs: 100, maxDelayMs: 1_000 },
};

export async function syncWorld(
  options: {
    infor?: InforSandboxOptions;
    zoho?: ZohoSandboxOptions;
    productLine?: 'm3' | 'csi' | 'ln' | 'fsm';
    dataDir?: string;
    /** Replaces parts of `fastBackend` (a logger to read, a shorter storm tolerance, other HTTP retries). */
    backend?: Pick<BackendOptions, 'logger' | 'syncResilience' | 'connectorDefaults' | 'syncClock'>;
  } = {},
): Promise<SyncWorld> {
  const folder = options.dataDir ? undefined : tempDir('mlc-sync-');
  const dataDir = options.dataDir ?? folder!.dir;
  const infor = await startInforSandbox(options.infor);
  const zoho = await startZohoSandbox({ seedAccounts: 0, ...options.zoho });
  let backend = createBackend({ runtime: 'cli', dataDir, ...fastBackend, ...options.backend });
  let api = createClient(inProcessTransport(backend));
  const source = await api.call('connections.importIonapi', {
    fileName: 'sandbox.ionapi',
    content: JSON.stringify(infor.ionapi('backend-service')),
    productLine: options.productLine ?? 'm3',
  });
  const zohoConnection = zoho.connection();
  const target = await api.call('connections.create', {
    system: 'zoho',
    name: zohoConnection.name,
    settings: zohoConnection.settings,
    secrets: zohoConnection.secrets,
    sandbox: true,
  });
  const world: SyncWorld = {
    dataDir,
    get backend() {
      return backend;
    },
    get api() {
      return api;
    },
    infor,
    zoho,
    source,
    target,
    async flow(input) {
      const mapping = await api.call('mappings.save', {
        name: input.name,
        sourceEntity: input.sourceEntity ?? 'customers',
        targetEntity: input.targetEntity ?? 'Accounts',
        expression: input.expression,
      });
      return api.call('flows.save', {
        name: input.name,
        source: {
          connectionId: source.id,
          entity: input.sourceEntity ?? 'customers',
          lookbackSeconds: input.lookbackSeconds ?? 0,
        },
        mappingId: mapping.id,
        target: {
          connectionId: target.id,
          entity: input.targetEntity ?? 'Accounts',
          matchKey: input.matchKey ?? ['Infor_Customer_No'],
        },
        schedule: { kind: 'manual' },
        dependsOn: (input.dependsOn ?? []) as Flow['dependsOn'],
        options: {
          dryRun: false,
          pageSize: input.pageSize,
          batchSize: input.batchSize,
          bulkThreshold: input.bulkThreshold,
          concurrency: input.concurrency,
        },
        paused: false,
      });
    },
    async reopen() {
      await backend.close();
      backend = createBackend({ runtime: 'cli', dataDir, ...fastBackend, ...options.backend });
      api = createClient(inProcessTransport(backend));
    },
    async close() {
      await backend.close();
      await Promise.all([infor.close(), zoho.close()]);
      folder?.remove();
    },
  };
  return world;
}

/** Calls the Zoho sandbox answered, by route, since its stats were last reset. */
export function zohoWriteCalls(zoho: ZohoSandbox): number {
  return Object.entries(zoho.control.stats().routes)
    .filter(([route]) => /^Zoho (upsert|insert|update)$/.test(route))
    .reduce((sum, [, value]) => sum + value.total, 0);
}
