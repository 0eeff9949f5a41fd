import type { Connector } from '../connectors/framework/connector';
import type { EventBus } from '../events';
import type { Logger } from '../util/log';
import type { EngineClock, Resilience } from './resilience';
import type { AsyncStore, AsyncStoreRepositories } from '../store/async-store';

/** Opens (and caches) the live connector of a saved connection. */
export interface ConnectorSource {
  open(connectionId: string): Promise<Connector>;
}

/**
 * What the engine needs; the backend, `mlc run` and tests all build the same. The repositories are
 * the async contract (issue 18), so the engine runs on SQLite (the adapter) or PostgreSQL alike.
 */
export interface EngineDeps {
  flows: AsyncStoreRepositories['flows'];
  mappings: AsyncStoreRepositories['mappings'];
  runs: AsyncStoreRepositories['runs'];
  audit: AsyncStoreRepositories['audit'];
  idMap: AsyncStoreRepositories['idMap'];
  /** Atomic work across the repositories above (a page commit): pass its `tx` down, not the outer repositories. */
  store: Pick<AsyncStore, 'transaction'>;
  connectors: ConnectorSource;
  events: EventBus;
  log: Logger;
  /** How long storms are ridden out before a run gives up (tests shorten the waits). */
  resilience?: Resilience;
  /** Time and waits of long pauses (Retry-After); tests pass one that does not sleep. Default: real time. */
  clock?: EngineClock;
}

/** The engine's repositories and transactions out of one async store. */
export function storeDeps(
  store: AsyncStore,
): Pick<EngineDeps, 'flows' | 'mappings' | 'runs' | 'audit' | 'idMap' | 'store'> {
  const { flows, mappings, runs, audit, idMap } = store;
  return { flows, mappings, runs, audit, idMap, store };
}
