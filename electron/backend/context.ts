import type { Db } from './store/database';
import type { EventBus } from './events';
import type { Logger } from './util/log';
import type { ConnectionsRepository } from './connections/connections.repository';
import type { HttpRegistry } from './http/http-registry';
import type { SecretVault } from './secrets/secret-vault';

export type Runtime = 'desktop' | 'web' | 'cli';

/** Everything a handler may use. Built once per backend by `createBackend`. */
export interface BackendContext {
  runtime: Runtime;
  dataDir: string;
  db: Db;
  events: EventBus;
  log: Logger;
  connections: ConnectionsRepository;
  /** Encrypted connection secrets; values never leave the backend. */
  vault: SecretVault;
  /** One HTTP client (limiter, breaker, call counts) per connection. */
  http: HttpRegistry;
  /** Cleanups run in reverse order when the backend closes (servers, timers, revocations). */
  onClose(cleanup: () => void | Promise<void>): void;
}
