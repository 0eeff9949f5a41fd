import type { Handlers } from '../api/dispatch';
import path from 'node:path';
import { auditCsv, auditJsonLines, writeAuditExport } from './audit-export';
import { creditBudgets } from './credit-budget';
import { applyRetention, saveRetentionSettings } from './audit-retention';
import { replayRecords } from './replay';
import { describeSchedule } from './scheduler';
import type { FlowId, RunId } from '../../../shared/domain/flow';
import type { RecordOutcome } from '../../../shared/domain/run';
import { isAppError } from '../../../shared/errors';
import { flowList, flowsChanged, syncService } from './sync.service';

type SyncHandlers = Pick<
  Handlers,
  | 'mappings.list'
  | 'mappings.get'
  | 'mappings.save'
  | 'mappings.remove'
  | 'mappings.usage'
  | 'mappings.rename'
  | 'mappings.duplicate'
  | 'mappings.versions'
  | 'mappings.diff'
  | 'mappings.restore'
  | 'flows.list'
  | 'flows.get'
  | 'flows.save'
  | 'flows.remove'
  | 'flows.pause'
  | 'flows.run'
  | 'flows.creditBudget'
  | 'flows.cancel'
  | 'schedules.preview'
  | 'runs.list'
  | 'runs.get'
  | 'runs.replay'
  | 'audit.list'
  | 'audit.export'
  | 'audit.exportFile'
  | 'audit.retention'
>;

export const syncHandlers: SyncHandlers = {
  'mappings.list': (_input, context) => syncService(context).mappings.list(),
  'mappings.get': (input, context) => syncService(context).mappings.get(input.id),
  'mappings.save': (input, context) => syncService(context).mappings.save(input),
  'mappings.remove': (input, context) => ({ removed: syncService(context).mappings.remove(input.id) }),
  'mappings.usage': (input, context) => ({
    flows: syncService(context).mappings.usage(input.id) as Array<{ id: FlowId; name: string }>,
  }),
  'mappings.rename': (input, context) => syncService(context).mappings.rename(input.id, input.name),
  'mappings.duplicate': (input, context) => syncService(context).mappings.duplicate(input.id, input.name),
  'mappings.versions': (input, context) => syncService(context).mappings.versions(input.id),
  'mappings.diff': (input, context) => syncService(context).mappings.diff(input.id, input.from, input.to),
  'mappings.restore': (input, context) => syncService(context).mappings.restore(input.id, input.version),

  'flows.list': (_input, context) => flowList(context),
  'flows.get': (input, context) => syncService(context).flows.flow(input.id),
  'flows.save': (input, context) => {
    if (input.schedule.kind !== 'manual') describeSchedule(input.schedule, 1);
    const flow = syncService(context).flows.saveFlow(input);
    flowsChanged(context, [flow.id]);
    return flow;
  },
  'flows.remove': (input, context) => {
    const removed = syncService(context).flows.removeFlow(input.id);
    flowsChanged(context, removed ? [input.id] : []);
    return { removed };
  },
  'flows.pause': (input, context) => {
    const service = syncService(context);
    const flow = service.flows.saveFlow({ ...service.flows.flow(input.id), paused: input.paused });
    flowsChanged(context, [flow.id]);
    return flow;
  },
  'flows.run': (input, context) =>
    syncService(context).engine.runFlow(input.id, {
      dryRun: input.dryRun,
      trigger: input.dryRun ? 'dry-run' : 'manual',
    }),
  'flows.creditBudget': async (input, context) => {
    const { deps } = syncService(context);
    const budgets = await creditBudgets(deps, input.ids, (id) => context.store.connections.get(id));
    return budgets.map((entry) => ({
      connectionId: entry.connectionId,
      connectionName: entry.connectionName,
      flows: entry.flows,
      records: entry.records,
      unknownFlows: entry.unknownFlows,
      low: entry.budget.low,
      high: entry.budget.high,
      left: entry.budget.left,
      verdict: entry.budget.verdict,
      warn: entry.warn,
      text: entry.text,
    }));
  },
  'flows.cancel': (input, context) => ({ cancelled: syncService(context).engine.cancel(input.id) }),
  'schedules.preview': (input) => describeSchedule(input.schedule, input.count),

  'runs.list': (input, context) => syncService(context).runs.runs(input),
  'runs.get': (input, context) => syncService(context).runs.run(input.id),
  'runs.replay': (input, context) => replayRecords(syncService(context).deps, input),
  'audit.list': (input, context) => {
    const { audit, runs } = syncService(context);
    const page = audit.audits(input);
    // A failed row says when it was replayed since (issue 19): the original run's rows keep "failed".
    const later = audit.laterAttempts(page.items.filter((row) => row.outcome === 'failed'));
    const items = page.items.map((row) => {
      const next = later.get(row.id);
      return next
        ? {
            ...row,
            later: { runId: next.runId as RunId, trigger: next.trigger, outcome: next.outcome as RecordOutcome },
          }
        : row;
    });
    // An unknown run lists no rows, as before; it has nothing waiting either.
    const run = input.runId ? knownRun(() => runs.run(input.runId!)) : undefined;
    return run ? { ...page, items, waiting: audit.deadLettersOfRun(run.flowId, run.id) } : { ...page, items };
  },
  'audit.export': (input, context) => {
    const { runs, audit } = syncService(context);
    const run = runs.run(input.runId);
    // Rows stream from keyset pages; only the text is built whole (large runs: `audit.exportFile`).
    let rows = 0;
    const counted = (function* () {
      for (const row of audit.iterateAudits({ runId: run.id })) {
        rows += 1;
        yield row;
      }
    })();
    const content = [...(input.format === 'csv' ? auditCsv(counted) : auditJsonLines(counted))].join('');
    return { fileName: exportFileName(run, input.format), content, rows };
  },
  'audit.exportFile': async (input, context) => {
    const { runs, audit } = syncService(context);
    const run = runs.run(input.runId);
    const fileName = exportFileName(run, input.format);
    const file = path.join(context.dataDir, 'exports', fileName);
    const report = (progress: { rows: number; total: number; bytes: number }, done: boolean) =>
      context.events.emit('audit.exportProgress', { runId: run.id, fileName, ...progress, done });
    const result = await writeAuditExport(audit, run.id, input.format, file, (progress) => report(progress, false));
    report(result, true);
    return { fileName, path: file, rows: result.rows, bytes: result.bytes };
  },
  'audit.retention': async (input, context) => {
    const settings = await saveRetentionSettings(context.asyncStore.settings, input);
    const { days, maxMb, pruned } = await applyRetention(context.asyncStore, settings);
    return { days, ...(maxMb !== undefined ? { maxMb } : {}), pruned };
  },
};

/** `run-<started>-<id>.<format>`: sorts by time, unique per run. */
function exportFileName(run: { startedAt: string; id: string }, format: 'csv' | 'jsonl'): string {
  return `run-${run.startedAt.slice(0, 19).replace(/[:T]/g, '-')}-${run.id.slice(0, 8)}.${format}`;
}

/** The run, or undefined when there is no such run (E_NOT_FOUND); other errors go on. */
function knownRun<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isAppError(error) && error.code === 'E_NOT_FOUND') return undefined;
    throw error;
  }
}
