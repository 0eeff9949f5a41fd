import type { LookupHit } from '../framework/connector';
import { DescriptorConnector, type ConnectorEnvironment } from '../framework/connector-runtime';
import { dynamicsDescriptor } from './dynamics.descriptor';
import { dynamicsHooks, lookupDynamicsRecords, type BatchObserver } from './dynamics.hooks';

export interface DynamicsConnectorOptions {
  /** Sees every `$batch` body the connector sends. */
  onBatch?: BatchObserver;
}

/** Dynamics 365 Sales / Dataverse connector for one connection. */
export class DynamicsConnector extends DescriptorConnector {
  constructor(environment: ConnectorEnvironment, options: DynamicsConnectorOptions = {}) {
    super(dynamicsDescriptor, dynamicsHooks(options.onBatch), environment);
  }

  async lookup(entity: string, matchKey: string, values: string[], options: { signal?: AbortSignal } = {}): Promise<Map<string, LookupHit>> {
    this.entity(entity);
    return lookupDynamicsRecords(this.context, entity, matchKey, values, options.signal);
  }
}

export function createDynamicsConnector(environment: ConnectorEnvironment): DynamicsConnector {
  return new DynamicsConnector(environment);
}
