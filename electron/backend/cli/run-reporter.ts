import type { Run, RunProgress } from '../../../shared/domain/run';
import type { ErrorCode } from '../../../shared/errors';
import { redact } from '../util/redact';
import { exitCodes, type CommandIo } from './command';
import { terminalText } from './terminal-text';

/** Exit code for an error code, the same mapping for every bundle command. */
export function exitCodeForError(code: ErrorCode | string): number {
  if (
    code.startsWith('E_BUNDLE_') ||
    code.startsWith('E_MAPPING_') ||
    code === 'E_SCHEDULE_INVALID' ||
    code === 'E_INVALID_INPUT'
  )
    return exitCodes.invalid;
  if (code.startsWith('E_AUTH_') || code === 'E_SECRET_UNAVAILABLE' || code.startsWith('E_IONAPI_'))
    return exitCodes.auth;
  if (
    code.startsWith('E_HTTP_') ||
    code.startsWith('E_NET_') ||
    code === 'E_REMOTE' ||
    code === 'E_RATE_LIMITED' ||
    code === 'E_QUOTA_EXCEEDED'
  )
    return exitCodes.remote;
  if (code === 'E_SYNC_CANCELLED') return exitCodes.interrupted;
  return exitCodes.failure;
}

/** 0 when every run succeeded; a failed run's own code; 1 when records failed. */
export function exitCodeForRuns(runs: Run[]): number {
  const failed = runs.find(
    (run) => run.status === 'failed' || run.status === 'cancelled' || run.status === 'interrupted',
  );
  if (failed) return failed.error ? exitCodeForError(failed.error.code) : exitCodes.failure;
  return runs.some((run) => run.status === 'partial') ? exitCodes.failure : exitCodes.ok;
}

/** A run as one JSON object (no payloads: those stay in the audit log). */
export function runSummary(run: Run, flowName?: string) {
  return {
    runId: run.id,
    flowId: run.flowId,
    ...(flowName ? { flow: flowName } : {}),
    trigger: run.trigger,
    status: run.status,
    dryRun: run.dryRun,
    counters: run.counters,
    calls: run.calls,
    mappingHash: run.mappingHash,
    windowFrom: run.windowFrom,
    windowTo: run.windowTo,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error ? { code: run.error.code, message: redact(run.error.message) } : null,
    notes: run.notes.map((note) => redact(note)),
  };
}

/**
 * Progress for people and for machines: on a terminal one redrawn bar per
 * flow; otherwise one JSON object per line (progress, run, done) on stdout.
 */
export class RunReporter {
  private barOpen = false;

  constructor(
    private readonly io: CommandIo,
    private readonly names: Map<string, string>,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  event(event: string, fields: Record<string, unknown>): void {
    if (!this.io.isTty) this.io.out(JSON.stringify({ event, time: new Date().toISOString(), ...fields }));
  }

  progress(progress: RunProgress): void {
    const name = this.names.get(progress.flowId) ?? progress.flowId;
    if (!this.io.isTty) {
      this.event('progress', {
        runId: progress.runId,
        flowId: progress.flowId,
        flow: name,
        phase: progress.phase,
        done: progress.done,
        total: progress.total,
        calls: progress.calls,
        recordsPerSecond: progress.recordsPerSecond,
        counters: progress.counters,
        ...(progress.pausedUntil ? { pausedUntil: progress.pausedUntil } : {}),
      });
      return;
    }
    const label = terminalText(name);
    const width = 28;
    const fraction = progress.total ? Math.min(1, progress.done / progress.total) : undefined;
    // Without a total the bar shows activity: a block moving with the count.
    const bar =
      fraction === undefined
        ? Array.from({ length: width }, (_, index) => (index === progress.done % width ? '█' : '░')).join('')
        : '█'.repeat(Math.round(fraction * width)).padEnd(width, '░');
    const counts = `${progress.done} read · ${progress.counters.created} new · ${progress.counters.updated} upd · ${progress.counters.unchanged} same · ${progress.counters.failed} failed`;
    // A long Retry-After: the run waits without calling, and says until when (UTC, like the JSON lines).
    const eta =
      progress.phase === 'paused' && progress.pausedUntil
        ? ` · paused until ${progress.pausedUntil.slice(11, 16)} UTC (the system asked to wait)`
        : progress.etaSeconds === null
          ? ''
          : ` · ETA ${progress.etaSeconds}s`;
    this.write(`\r\x1b[2K${label.slice(0, 24).padEnd(24)} ${bar} ${counts} · ${progress.recordsPerSecond}/s${eta}`);
    this.barOpen = true;
  }

  run(run: Run): void {
    const name = this.names.get(run.flowId) ?? run.flowId;
    if (!this.io.isTty) {
      this.event('run', runSummary(run, name));
      return;
    }
    this.closeBar();
    const counters = run.counters;
    const error = run.error ? ` — ${terminalText(redact(run.error.message))} [${run.error.code}]` : '';
    this.io.out(
      `${statusMark(run.status)} ${terminalText(name)}: ${run.status}${run.dryRun ? ' (dry run)' : ''} · ${counters.read} read, ${counters.created} created, ${counters.updated} updated, ${counters.unchanged} unchanged, ${counters.skipped} skipped, ${counters.failed} failed · calls ${run.calls.source + run.calls.target} (minimum ${run.calls.sourceMinimum + run.calls.targetMinimum})${error}`,
    );
    // What the systems said about the run (a slower path, incremental sync not engaged), under its line.
    for (const note of run.notes) this.io.out(`  note: ${terminalText(redact(note))}`);
  }

  closeBar(): void {
    if (this.barOpen) this.write('\n');
    this.barOpen = false;
  }
}

function statusMark(status: Run['status']): string {
  return status === 'succeeded' ? '✔' : status === 'partial' ? '▲' : '✖';
}
