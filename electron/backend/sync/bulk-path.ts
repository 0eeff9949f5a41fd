import type { BulkWriteDescriptor } from '../../../shared/connectors/descriptor';
import type { Flow } from '../../../shared/domain/flow';
import type { Connector } from '../connectors/framework/connector';

/**
 * When a flow's writes take the target's bulk path (Salesforce Bulk API 2.0, Dataverse
 * UpsertMultiple, Zoho Bulk Write).
 *
 * The engine works page by page and commits each page's audit rows with its writes, so the decision
 * is made per page: a page whose pending writes (after unchanged and failed records are set aside)
 * number at least the threshold goes in one bulk write (the runtime splits it into jobs of
 * `maxRecords`); a smaller page goes in normal batches. Pages are never held back to fill a job:
 * that would keep written records out of the audit log until later pages arrived. Instead, while
 * the bulk path is on, the engine reads pages of at least the threshold (within the source's
 * maximum page size), so a big load reaches it; when the source's pages cannot be that large, the
 * run note says so.
 */
export interface BulkPath {
  bulk: BulkWriteDescriptor;
  /** Smallest page of writes that takes the bulk path. */
  threshold: number;
  /** Where the threshold comes from, for the run note. */
  from: 'flow' | 'target';
}

/** The flow's bulk path, or undefined when it has none: no bulk API, threshold 0, or a dry run. */
export function bulkPathOf(target: Connector, flow: Flow, dryRun: boolean): BulkPath | undefined {
  if (dryRun) return undefined;
  const write = target.descriptor.entities[flow.target.entity]?.write;
  const bulk = write && write.mode !== 'read-only' ? write.bulk : undefined;
  if (!bulk) return undefined;
  const own = flow.options.bulkThreshold;
  if (own === 0) return undefined;
  return own === undefined
    ? { bulk, threshold: bulk.threshold, from: 'target' }
    : { bulk, threshold: own, from: 'flow' };
}

/** What a run wrote by which path, for its note and its calls-versus-minimum figure. */
export interface WritePaths {
  bulkRecords: number;
  bulkJobs: number;
  /** Records sent through normal batches. */
  normalRecords: number;
}

export const emptyWritePaths = (): WritePaths => ({ bulkRecords: 0, bulkJobs: 0, normalRecords: 0 });

const count = (value: number) => value.toLocaleString('en-US');

/**
 * The run's one note on its write path, or undefined when the target has no bulk path and the
 * flow did not ask for one (nothing to explain then).
 */
export function writePathNote(
  target: Connector,
  flow: Flow,
  dryRun: boolean,
  paths: WritePaths,
  maxPageSize: number,
): string | undefined {
  const write = target.descriptor.entities[flow.target.entity]?.write;
  const bulk = write && write.mode !== 'read-only' ? write.bulk : undefined;
  if (!bulk || dryRun) return undefined;
  const who = `${target.descriptor.label} ${flow.target.entity}`;
  const plan = bulkPathOf(target, flow, dryRun);
  if (!plan)
    return `${who}: ${bulk.label} is off for this flow (its bulk threshold is 0); records go in normal batches.`;
  const rule =
    plan.from === 'flow'
      ? `the flow's bulk threshold is ${count(plan.threshold)}`
      : `${target.descriptor.label}'s default bulk threshold is ${count(plan.threshold)}`;
  if (paths.bulkRecords > 0) {
    const jobs = `${count(paths.bulkJobs)} job${paths.bulkJobs === 1 ? '' : 's'}`;
    const rest =
      paths.normalRecords > 0 ? `; ${count(paths.normalRecords)} in normal batches (pages below the threshold)` : '';
    return `${who}: ${bulk.label} for ${count(paths.bulkRecords)} records in ${jobs} (${rule})${rest}.`;
  }
  if (paths.normalRecords === 0) return undefined;
  const reach =
    maxPageSize < plan.threshold
      ? ` The source reads at most ${count(maxPageSize)} records per page, so a page never reaches it.`
      : '';
  return `${who}: normal batches for ${count(paths.normalRecords)} records, below the ${bulk.label} threshold (${rule}).${reach}`;
}
