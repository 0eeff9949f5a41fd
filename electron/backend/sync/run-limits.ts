import type { Flow } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import type { Connector } from '../connectors/framework/connector';
import type { BulkPath, WritePaths } from './bulk-path';

/** What a run may ask of its source and target per call: page and batch sizes, and the calls a record costs at best. */
export interface Limits {
  pageSize: number;
  maxPageSize: number;
  batchSize: number;
  maxBatch: number;
  /** What one target call handles at best: a write batch, or a dry run's lookup. */
  recordsPerTargetCall: number;
  /** The bulk path's calls per job, when the flow may take it. */
  bulk?: BulkPath;
}

export function entityLimits(
  source: Connector,
  target: Connector,
  flow: Flow,
  dryRun = false,
  bulk?: BulkPath,
): Limits {
  const read = source.descriptor.entities[flow.source.entity]?.read;
  if (!read) throw new AppError('E_NOT_FOUND', `The source cannot read “${flow.source.entity}”.`);
  const write = target.descriptor.entities[flow.target.entity]?.write;
  if (!write || write.mode === 'read-only')
    throw new AppError('E_NOT_FOUND', `The target cannot write “${flow.target.entity}”.`);
  const maxPageSize = read.pagination.maxPageSize;
  // A dry run writes nothing but must look every record up: its minimum is the lookups at the system's best rate.
  const lookupRate = dryRun ? target.lookupValuesPerCall?.(flow.target.entity, flow.target.matchKey[0]!) : undefined;
  // The default page is the source's largest, so a big load reaches the bulk threshold where the source
  // allows it; a page size the user set is kept (smaller pages mean finer checkpoints), and the run's
  // note says when its pages cannot reach the threshold.
  return {
    maxPageSize,
    bulk,
    pageSize: Math.min(flow.options.pageSize ?? maxPageSize, maxPageSize),
    maxBatch: write.maxBatch,
    recordsPerTargetCall: lookupRate ?? write.maxBatch,
    batchSize: Math.min(flow.options.batchSize ?? write.maxBatch, write.maxBatch),
  };
}

export function usage(
  baseline: { source: number; target: number },
  source: Connector,
  target: Connector,
  read: number,
  paths: WritePaths,
  limits: Limits,
  looked: number,
) {
  return {
    source: source.callCount() - baseline.source,
    target: target.callCount() - baseline.target,
    // Even an empty window costs one read call.
    sourceMinimum: Math.max(1, Math.ceil(read / limits.maxPageSize)),
    // Batches at the target's best size, bulk jobs at their best calls each, a dry run's lookups.
    targetMinimum:
      Math.ceil((paths.normalRecords + looked) / limits.recordsPerTargetCall) +
      paths.bulkJobs * (limits.bulk?.bulk.callsPerJob ?? 0),
  };
}
