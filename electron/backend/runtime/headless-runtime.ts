import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bundle } from '../../../shared/bundle/bundle.schema';
import { AppError } from '../../../shared/errors';
import { createBackend, type Backend, type BackendOptions } from '../backend';
import { connectorFactories } from '../connectors/connector-registry';
import type { Connector } from '../connectors/framework/connector';
import { SchemaCache } from '../connectors/framework/schema-cache';
import type { ConnectionCacheRepository } from '../connections/connection-cache.repository';
import { SharedTokenStore } from '../connectors/framework/token-store';
import type { ConnectorSource, EngineDeps } from '../sync/engine-deps';
import { SyncEngine } from '../sync/sync-engine';
import { syncService } from '../sync/sync.service';
import { resolveDataDir } from '../store/paths';
import type { Logger } from '../util/log';
import {
  bindConnections,
  missingSecretsMessage,
  type BindingOptions,
  type BoundConnection,
} from '../bundle/bundle-binding';
import { checkConnectionSettings, settingsProblemsText } from '../connections/connection-settings';
import { validateBundleText } from '../bundle/bundle-check';
import { installBundle } from '../bundle/bundle-install';

export interface HeadlessOptions {
  bundleFile: string;
  env: NodeJS.ProcessEnv;
  secretsFile?: string;
  sandboxDir?: string;
  keyring?: boolean;
  logger?: Logger;
  /**
   * A shared store (PostgreSQL URL) for workers on many machines; opened by the store layer. Until
   * that lands, the data folder's SQLite store is used.
   */
  storeUrl?: string;
  /** Tests: fast backoff (the same knobs `createBackend` takes). */
  backend?: Pick<BackendOptions, 'connectorDefaults' | 'syncResilience'>;
}

export interface Headless {
  backend: Backend;
  bundle: Bundle;
  bound: BoundConnection[];
  engine: SyncEngine;
  deps: EngineDeps;
  /** Flow ids of the bundle, in the bundle's order. */
  flowIds: string[];
  /**
   * Connectors for looking at live schemas before a pass (schema drift): their schema and token
   * caches live in memory only, so the pass that follows fetches and counts exactly what it would
   * have without the check.
   */
  probes: ConnectorSource;
  close(): Promise<void>;
}

/**
 * The headless runtime's engine: the bundle checked and installed into the
 * data folder's store (so runs, audit, id map and watermarks persist between
 * runs exactly as on the desktop), and connectors built from the bound settings
 * and secrets instead of the vault. Throws `AppError` with the bundle's first
 * problem, or E_SECRET_UNAVAILABLE naming the slots nothing provided.
 */
export async function openHeadless(options: HeadlessOptions): Promise<Headless> {
  let text: string;
  try {
    text = fs.readFileSync(options.bundleFile, 'utf8');
  } catch (error) {
    throw new AppError(
      'E_BUNDLE_INVALID',
      `Cannot read the bundle ${options.bundleFile}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
    );
  }
  const { check, loaded } = await validateBundleText(text);
  if (!check.ok || !loaded.bundle) {
    const first = check.problems[0]!;
    throw new AppError(first.code, first.message, { problems: check.problems });
  }
  const bundle = loaded.bundle;
  const dataDir = resolveDataDir(options.env);
  const binding: BindingOptions = {
    env: options.env,
    secretsFile: options.secretsFile,
    sandboxDir: options.sandboxDir ?? path.join(dataDir, 'sandbox'),
    keyring: options.keyring,
  };
  const bound = bindConnections(bundle, binding);
  // Settings files and MLC_SETTING_* variables change settings after the bundle's own were checked.
  for (const connection of bound) {
    const settings = checkConnectionSettings(connection.system, connection.settings);
    if (!settings.ok) {
      throw new AppError(
        'E_INVALID_INPUT',
        `The connection “${connection.name}” (ref ${connection.ref}): ${settingsProblemsText(connection.system, settings.problems)}`,
        {
          problems: settings.problems,
        },
      );
    }
  }
  const missing = missingSecretsMessage(bound);
  if (missing) throw new AppError('E_SECRET_UNAVAILABLE', missing);

  const backend = createBackend({ runtime: 'cli', dataDir, logger: options.logger, ...options.backend });
  try {
    const context = backend.context;
    // The store records the settings actually used; unchanged settings keep cached schemas and tokens.
    const byId = new Map(bound.map((connection) => [connection.id, connection]));
    installBundle(
      context,
      {
        ...bundle,
        connections: bundle.connections.map((connection) => ({
          ...connection,
          settings: byId.get(connection.id)!.settings,
        })),
      },
      'replace',
    );
    const service = syncService(context);
    const connectors: ConnectorSource = {
      open: async (connectionId) => openBound(backend, byId.get(connectionId), connectionId),
    };
    const deps: EngineDeps = { ...service.deps, connectors };
    const engine = new SyncEngine(deps);
    return {
      backend,
      bundle,
      bound,
      engine,
      deps,
      flowIds: bundle.flows.map((flow) => flow.id as string),
      probes: {
        open: async (connectionId) =>
          openBound(backend, byId.get(connectionId), connectionId, memoryCaches(context.store.connectionCaches)),
      },
      async close() {
        await engine.drain();
        await backend.close();
      },
    };
  } catch (error) {
    await backend.close();
    throw error;
  }
}

function openBound(
  backend: Backend,
  connection: BoundConnection | undefined,
  connectionId: string,
  caches = backend.context.store.connectionCaches,
): Connector {
  if (!connection) throw new AppError('E_NOT_FOUND', `The bundle has no connection ${connectionId}.`);
  const factory = connectorFactories[connection.system];
  if (!factory)
    throw new AppError('E_INVALID_INPUT', `No connector for ${connection.system} is installed in this runtime.`);
  const { context } = backend;
  return factory({
    connection: { id: connection.id, settings: connection.settings, sandbox: connection.sandbox },
    secrets: connection.secrets,
    httpRegistry: context.http,
    schemaCache: new SchemaCache(caches),
    tokenStore: new SharedTokenStore(caches, context.vault, connection.id),
    ...context.connectorDefaults,
  });
}

/** Schemas, tokens and leases in memory, seeded from nothing; tenant checks still read the store. */
function memoryCaches(store: ConnectionCacheRepository): ConnectionCacheRepository {
  const schemas = new Map<string, { hash: string; json: string }>();
  const tokens = new Map<string, string>();
  const key = (connectionId: string, entity: string) => `${connectionId}\u0000${entity}`;
  return {
    schema: (connectionId, entity) => schemas.get(key(connectionId, entity))?.json,
    schemaHash: (connectionId, entity) => schemas.get(key(connectionId, entity))?.hash,
    putSchema: (connectionId, schema, json) =>
      schemas.set(key(connectionId, schema.entity), { hash: schema.hash, json }),
    clearSchemas: (connectionId) => {
      for (const entry of [...schemas.keys()]) if (entry.startsWith(`${connectionId}\u0000`)) schemas.delete(entry);
    },
    token: (connectionId) => tokens.get(connectionId),
    putToken: (connectionId, ciphertext) => void tokens.set(connectionId, ciphertext),
    clearToken: (connectionId) => void tokens.delete(connectionId),
    // One process, one probe at a time: the lease is always free.
    tryAcquireRefreshLease: () => true,
    releaseRefreshLease: () => undefined,
    tenantCheck: (connectionId) => store.tenantCheck(connectionId),
    putTenantCheck: () => undefined,
  };
}

/**
 * Schema probes for a bundle without installing it (`mlc validate --live-schemas`): the connections
 * bound exactly as `mlc run` binds them, connectors over a throwaway store in a temporary folder, so
 * the data folder's store is neither read nor changed. Throws E_SECRET_UNAVAILABLE like `openHeadless`.
 */
export async function withSchemaProbes<T>(
  bundle: Bundle,
  binding: BindingOptions,
  use: (probes: ConnectorSource) => Promise<T>,
): Promise<T> {
  const bound = bindConnections(bundle, binding);
  const missing = missingSecretsMessage(bound);
  if (missing) throw new AppError('E_SECRET_UNAVAILABLE', missing);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-probe-'));
  const backend = createBackend({ runtime: 'cli', dataDir: folder });
  try {
    const byId = new Map(bound.map((connection) => [connection.id, connection]));
    return await use({
      open: async (connectionId) =>
        openBound(backend, byId.get(connectionId), connectionId, memoryCaches(backend.context.store.connectionCaches)),
    });
  } finally {
    await backend.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
