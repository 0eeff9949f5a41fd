import type { Connector } from '../connectors/framework/connector';
import type { EventBus } from '../events';
import type { Logger } from '../util/log';
import type { MappingRepository } from '../mapping/mapping.repository';
import type { FlowStore } from './flow-store';
import type { Resilience } from './resilience';
import type { RunStore } from './run-store';

/** Opens (and caches) the live connector of a saved connection. */
export interface ConnectorSource {
  open(connectionId: string): Promise<Connector>;
}

/** What the engine needs; the backend, `mlc run` and tests all build the same. */
export interface EngineDeps {
  flows: FlowStore;
  mappings: MappingRepository;
  runs: RunStore;
  connectors: ConnectorSource;
  events: EventBus;
  log: Logger;
  /** How long storms are ridden out before a run gives up (tests shorten the waits). */
  resilience?: Resilience;
}
