import type { Connector } from '../connectors/framework/connector';
import type { EventBus } from '../events';
import type { Logger } from '../util/log';
import type { MappingRepository } from '../mapping/mapping.repository';
import type { FlowRepository } from './flows.repository';
import type { EngineClock, Resilience } from './resilience';
import type { Store } from '../store/store';
import type { AuditRepository } from './audit.repository';
import type { IdMapRepository } from './id-map.repository';
import type { RunRepository } from './runs.repository';

/** Opens (and caches) the live connector of a saved connection. */
export interface ConnectorSource {
  open(connectionId: string): Promise<Connector>;
}

/** What the engine needs; the backend, `mlc run` and tests all build the same. */
export interface EngineDeps {
  flows: FlowRepository;
  mappings: MappingRepository;
  runs: RunRepository;
  audit: AuditRepository;
  idMap: IdMapRepository;
  /** Atomic work across the repositories above (a page commit). */
  store: Pick<Store, 'transaction'>;
  connectors: ConnectorSource;
  events: EventBus;
  log: Logger;
  /** How long storms are ridden out before a run gives up (tests shorten the waits). */
  resilience?: Resilience;
  /** Time and waits of long pauses (Retry-After); tests pass one that does not sleep. Default: real time. */
  clock?: EngineClock;
}
