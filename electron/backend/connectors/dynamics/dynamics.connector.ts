import { AppError } from '../../../../shared/errors';
import type { JsonObject, LookupHit, WriteOptions, WriteResult } from '../framework/connector';
import { DescriptorConnector, type ConnectorEnvironment } from '../framework/connector-runtime';
import { dynamicsDescriptor } from './dynamics.descriptor';
import { dynamicsHooks, lookupDynamicsRecords, writeDynamicsBatch, type BatchObserver } from './dynamics.hooks';

export interface DynamicsConnectorOptions {
  /** Sees every `$batch` body the connector sends. */
  onBatch?: BatchObserver;
}

/** Dynamics 365 Sales / Dataverse connector for one connection. */
export class DynamicsConnector extends DescriptorConnector {
  private readonly onBatch: BatchObserver | undefined;

  constructor(environment: ConnectorEnvironment, options: DynamicsConnectorOptions = {}) {
    super(dynamicsDescriptor, dynamicsHooks(options.onBatch), environment);
    this.onBatch = options.onBatch;
  }

  /**
   * Groups the serialised `$batch` parts directly (1,000 requests, 256 KB),
   * instead of pre-splitting by JSON size first: the multipart framing is
   * what counts against the limit, and one pass packs bodies tightly.
   */
  override async write(entity: string, records: JsonObject[], options: WriteOptions): Promise<WriteResult[]> {
    if (this.entity(entity).write.mode === 'read-only')
      throw new AppError('E_INVALID_INPUT', `Dynamics 365: ${entity} is read-only here.`);
    options.signal?.throwIfAborted();
    return writeDynamicsBatch(this.context, entity, records, options.matchKey, this.onBatch, options.signal);
  }

  async lookup(
    entity: string,
    matchKey: string,
    values: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<Map<string, LookupHit>> {
    this.entity(entity);
    return lookupDynamicsRecords(this.context, entity, matchKey, values, options.signal);
  }
}

export function createDynamicsConnector(environment: ConnectorEnvironment): DynamicsConnector {
  return new DynamicsConnector(environment);
}
