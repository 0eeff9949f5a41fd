import type { FlowId, RunId } from '../../../shared/domain/flow';
import type { CallUsage, RunCounters } from '../../../shared/domain/run';
import type { AuditInput } from './audit.repository';
import type { EngineDeps } from './engine-deps';
import type { IdMapEntry } from './id-map.repository';
import type { RunProgressState } from './runs.repository';

export interface PageCommit {
  audits: AuditInput[];
  idMap: IdMapEntry[];
  /** Keys that failed (kept for replay) and keys that now succeeded (cleared). */
  deadLetters: { add: string[]; clear: string[] };
  counters: RunCounters;
  calls: CallUsage;
  /** Where the run stands once this page is committed. */
  progress?: RunProgressState;
}

/**
 * The page's audit rows, id map, dead letters and the run's counters in one
 * transaction: a crash or a lost lease leaves none of them, so the next run
 * re-reads the page rather than finding half of it. Every write goes through
 * the transaction's own `tx` (on PostgreSQL the outer store would take another
 * connection, outside the transaction).
 */
export async function commitPage(
  deps: Pick<EngineDeps, 'store'>,
  runId: RunId,
  flowId: FlowId,
  target: { connectionId: string; entity: string },
  page: PageCommit,
): Promise<void> {
  const now = new Date().toISOString();
  await deps.store.transaction(async (tx) => {
    const auditIds = await tx.audit.record(runId, flowId, page.audits, now);
    await tx.idMap.upsert(flowId, target, page.idMap, now);
    await tx.audit.updateDeadLetters(
      flowId,
      runId,
      {
        add: page.deadLetters.add.map((sourceKey) => ({ sourceKey, auditId: auditIds.get(sourceKey) ?? 0 })),
        clear: page.deadLetters.clear,
      },
      now,
    );
    // A run another process found dead must not commit: this throws, the page rolls back and the new owner re-reads it.
    await tx.runs.recordPage(runId, { counters: page.counters, calls: page.calls, progress: page.progress }, now);
  });
}
