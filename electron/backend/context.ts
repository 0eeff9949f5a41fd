import type { EventBus } from './events';
import type { Logger } from './util/log';
import type { ConnectionsRepository } from './connections/connections.repository';
import type { HttpRegistry } from './http/http-registry';
import type { SecretVault } from './secrets/secret-vault';
import type { Store } from './store/store';
import type { AsyncStore } from './store/async-store';

export type Runtime = 'desktop' | 'web' | 'cli';

/** Everything a handler may use. Built once per backend by `createBackend`. */
export interface BackendContext {
  runtime: Runtime;
  dataDir: string;
  /** Every table, behind its repository; no SQL outside them (see eslint.config.js). */
  store: Store;
  /**
   * The store the sync engine runs on: by default the same SQLite database as `store` behind the
   * async contract (handlers may keep `store`: see ASYNC-STORE.md, "One process, two faces"); the
   * headless runtime's PostgreSQL store when `--store postgres://…` is given.
   */
  asyncStore: AsyncStore;
  events: EventBus;
  log: Logger;
  /** The same as `store.connections`: the repository most handlers use. */
  connections: ConnectionsRepository;
  /** Encrypted connection secrets; values never leave the backend. */
  vault: SecretVault;
  /** One HTTP client (limiter, breaker, call counts) per connection. */
  http: HttpRegistry;
  /** Knobs every connector opened by this backend gets (tests shorten backoff and rate windows). */
  connectorDefaults?: Partial<import('./connectors/framework/connector-runtime').ConnectorEnvironment>;
  /** How long the sync engine rides out storms before a run gives up (tests shorten it). */
  syncResilience?: import('./sync/resilience').Resilience;
  /** The sync engine's clock for long pauses (Retry-After); tests pass one that does not sleep. */
  syncClock?: import('./sync/resilience').EngineClock;
  /** How long a browser sign-in waits for its redirect (default 5 minutes; tests shorten it). */
  signInTimeoutMs?: number;
  /** Cleanups run in reverse order when the backend closes (servers, timers, revocations). */
  onClose(cleanup: () => void | Promise<void>): void;
}
