import { AppError } from '../../../../shared/errors';
import type { Connector, JsonObject, WriteOptions, WriteResult } from '../framework/connector';
import { DescriptorConnector, type ConnectorEnvironment } from '../framework/connector-runtime';
import { dynamicsDescriptor } from './dynamics.descriptor';
import { dynamicsHooks, writeDynamicsBatch, type BatchObserver } from './dynamics.hooks';

export interface DynamicsConnectorOptions {
  /** Sees every `$batch` body the connector sends. */
  onBatch?: BatchObserver;
}

/** Dynamics 365 Sales / Dataverse connector for one connection. */
export class DynamicsConnector extends DescriptorConnector {
  /** A target: its hooks look records up, so `lookup` is always there. */
  declare readonly lookup: NonNullable<Connector['lookup']>;
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
    // The bulk path (UpsertMultiple/CreateMultiple) is the runtime's: jobs of `write.bulk.maxRecords`.
    if (options.bulk) return super.write(entity, records, options);
    return writeDynamicsBatch(this.context, entity, records, options.matchKey, this.onBatch, options.signal);
  }
}

export function createDynamicsConnector(environment: ConnectorEnvironment): DynamicsConnector {
  return new DynamicsConnector(environment);
}
