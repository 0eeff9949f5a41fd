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
 * that would keep written records out of the audit log until later pages arrived. The engine's
 * default page is the source's largest, so a big load reaches the threshold where the source allows
 * it; a page size the flow sets is kept, and when pages cannot reach the threshold the run note says so.
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
 * The run's one note on its write path: when it took the bulk path, or wrote at least a threshold's
 * worth in normal batches (the flow turned bulk off, or its pages never reach the threshold).
 * Undefined otherwise: a run of a few records in normal batches has nothing to explain.
 */
export function writePathNote(
  target: Connector,
  flow: Flow,
  dryRun: boolean,
  paths: WritePaths,
  /** The run's page size, and whether the flow set it below the source's largest. */
  pages: { pageSize: number; fromFlow: boolean },
): string | undefined {
  const write = target.descriptor.entities[flow.target.entity]?.write;
  const bulk = write && write.mode !== 'read-only' ? write.bulk : undefined;
  if (!bulk || dryRun) return undefined;
  const who = `${target.descriptor.label} ${flow.target.entity}`;
  const plan = bulkPathOf(target, flow, dryRun);
  // A small run in normal batches needs no word; one big enough for the bulk path that did not take it does.
  if (!plan)
    return paths.normalRecords >= bulk.threshold
      ? `${who}: ${bulk.label} is off for this flow (its bulk threshold is 0); records go in normal batches.`
      : undefined;
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
  if (paths.normalRecords < plan.threshold) return undefined;
  const reach =
    pages.pageSize >= plan.threshold
      ? ''
      : pages.fromFlow
        ? ` The flow reads pages of ${count(pages.pageSize)} records, so a page never reaches it; raise its page size to use ${bulk.label}.`
        : ` The source reads at most ${count(pages.pageSize)} records per page, so a page never reaches it.`;
  return `${who}: normal batches for ${count(paths.normalRecords)} records: no page reached the ${bulk.label} threshold (${rule}).${reach}`;
}
