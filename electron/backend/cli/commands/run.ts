import path from 'node:path';
import { driftLine, liveSchemaDrift } from '../../bundle/bundle-drift';
import { parseArgs } from 'node:util';
import type { Run } from '../../../../shared/domain/run';
import { AppError, errorMessage } from '../../../../shared/errors';
import { openHeadless, type HeadlessOptions } from '../../runtime/headless-runtime';
import { creditBudgets } from '../../sync/credit-budget';
import { dependencyOrder } from '../../sync/dependency-order';
import { storeFailure } from '../../store/store-errors';
import type { AsyncStoreHistory } from '../../store/async-store';
import { createLogger } from '../../util/log';
import { redact } from '../../util/redact';
import { exitCodes, type Command, type CommandIo } from '../command';
import { exitCodeForError, exitCodeForRuns, RunReporter } from '../run-reporter';
import { terminalText } from '../terminal-text';
import { storeUsage } from '../store-option';
import { storeUrlFrom } from '../../store/store-url';

const usage = `mlc run BUNDLE [--flow NAME]... [--dry-run] [--secrets FILE] [--no-keyring] [--strict-schemas] [--store URL]

  One pass of the bundle's flows in dependency order (accounts before orders),
  against the connections' real endpoints. Runs, the audit log, the id map and
  watermarks live in the data folder (MLC_HOME), so the next run continues
  incrementally; \`mlc runs\` and \`mlc replay\` read them.

  --flow NAME      run only this flow (name or id; repeat for several)
  --dry-run        transform and compare with the target, write nothing
  --secrets FILE   settings/secrets file (JSON, chmod 600):
                   { "secrets": { "<slot>": "…" }, "settings": { "<ref>": { "<key>": … } } }
  --no-keyring     do not ask the OS keyring for missing secrets
  --strict-schemas refuse to run when a mapped field disappeared or changed type in
                   the live schemas since export (default: warn and run)
${storeUsage}

  Secrets come from MLC_SECRET_<SLOT> (e.g. MLC_SECRET_ZOHO_REFRESH_TOKEN), the
  secrets file, or the OS keyring (secret-tool on Linux, security on macOS; when
  neither is installed the keyring is skipped). Settings can be overridden with
  MLC_SETTING_<REF>_<KEY>. Sandbox connections bind to the files \`mlc sandbox\`
  writes into <data dir>/sandbox/.

  Output: a progress bar on a terminal; JSON lines (progress, run, done) otherwise.
  A flow whose dependency failed, was cancelled or was skipped in this pass is
  skipped (a run with status skipped says why). A store error (disk full,
  damaged or unwritable store) stops the pass at once.

  Exit codes: 0 all runs succeeded, 1 some records failed, 3 invalid bundle,
  4 secrets missing or refused, 5 a system kept failing, 6 the store failed
  (disk full, damaged or unwritable), 130 interrupted.`;

export const headlessSettingKeys = { bundle: 'headless.bundle', secrets: 'headless.secrets' } as const;

/** The options every bundle command shares, from parsed flags. */
export function headlessOptions(
  file: string,
  values: { secrets?: string; keyring?: boolean; store?: string },
  io: CommandIo,
): HeadlessOptions {
  return {
    storeUrl: storeUrlFrom(values.store, io.env),
    bundleFile: path.resolve(file),
    env: io.env,
    secretsFile: values.secrets ? path.resolve(values.secrets) : undefined,
    keyring: values.keyring,
    logger: createLogger(),
  };
}

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a bundle’s flows once, in dependency order (progress bar, or JSON lines when piped).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        flow: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean', default: false },
        secrets: { type: 'string' },
        'no-keyring': { type: 'boolean', default: false },
        'strict-schemas': { type: 'boolean', default: false },
        store: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (values.help || !file || positionals.length > 1) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    let headless;
    try {
      headless = await openHeadless(
        headlessOptions(file, { secrets: values.secrets, keyring: !values['no-keyring'], store: values.store }, io),
      );
    } catch (error) {
      return reportError(io, error);
    }
    const { bundle, engine, backend } = headless;
    const names = new Map(bundle.flows.map((flow) => [flow.id as string, flow.name]));
    const reporter = new RunReporter(io, names);
    const soft = new AbortController();
    const hard = new AbortController();
    const stop = () => (soft.signal.aborted ? hard.abort() : soft.abort());
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const unsubscribe = backend.context.events.subscribe((event, payload) => {
      if (event === 'sync.progress') reporter.progress(payload as Parameters<RunReporter['progress']>[0]);
    });
    try {
      const { settings } = backend.context.store;
      settings.set(headlessSettingKeys.bundle, path.resolve(file));
      if (values.secrets) settings.set(headlessSettingKeys.secrets, path.resolve(values.secrets));
      const selected = selectFlows(headless.flowIds, names, values.flow);
      reporter.event('start', {
        bundle: bundle.name,
        contentHash: bundle.contentHash,
        flows: selected.map((id) => names.get(id)),
        dryRun: values['dry-run'],
      });
      // Zoho counts daily API credits per org: say what this pass will spend before it starts, and warn
      // when it may not fit (the run still starts; Zoho refuses calls once the credits are gone).
      // The bound connections (settings as used), whichever store the pass runs on.
      const connection = (id: string) => headless.bound.find((bound) => bound.id === id);
      for (const budget of await creditBudgets(headless.deps, selected, connection)) {
        reporter.event('credits', {
          connection: budget.connectionName,
          low: budget.budget.low,
          high: budget.budget.high,
          left: budget.budget.left,
          verdict: budget.budget.verdict,
        });
        if (budget.warn) io.err(`mlc: warning: ${terminalText(budget.text)}`);
        else if (io.isTty) io.out(terminalText(budget.text));
      }
      // Schema drift: a mapped field gone or retyped since export warns (or, with --strict-schemas, refuses).
      const drift = await liveSchemaDrift(bundle, selected, headless.probes);
      for (const note of drift.notes) io.err(`mlc: note: ${terminalText(note)}`);
      if (drift.findings.length > 0) {
        reporter.event('schema-drift', {
          strict: values['strict-schemas'],
          findings: drift.findings.map(({ side, entity, field, code, mapping, flows }) => ({
            side,
            entity,
            field,
            code,
            mapping,
            flows,
          })),
        });
        for (const finding of drift.findings)
          io.err(
            `mlc: ${values['strict-schemas'] ? 'error' : 'warning'}: schema drift: ${terminalText(driftLine(finding))}`,
          );
        if (values['strict-schemas']) {
          io.err(
            'mlc: refusing to run (--strict-schemas): fix the mappings in Studio against the new schemas and export the bundle again.',
          );
          reporter.event('done', { status: 'refused', runs: 0, exitCode: exitCodes.invalid });
          return exitCodes.invalid;
        }
      }
      // Store identity: the SQLite file's, or the PostgreSQL database's marker in the data folder (store-identity).
      {
        const fromScratch: string[] = [];
        for (const id of selected) if ((await headless.deps.runs.watermark(id)) === null) fromScratch.push(id);
        await warnIfHistoryLost(
          io,
          reporter,
          headless.store.history,
          fromScratch.map((id) => names.get(id) ?? id),
          headless.store.kind === 'sqlite' ? 'mlc.sqlite' : 'the PostgreSQL database',
        );
      }
      const runs: Run[] = [];
      try {
        await engine.runPass(selected, {
          trigger: values['dry-run'] ? 'dry-run' : 'cli',
          dryRun: values['dry-run'] || undefined,
          signal: hard.signal,
          stopSignal: soft.signal,
          onRun: (run) => {
            runs.push(run);
            reporter.run(run);
            if (run.resumedFrom) {
              reporter.event('resumed', { runId: run.id, flow: names.get(run.flowId), resumedFrom: run.resumedFrom });
              if (io.isTty)
                io.out(
                  `  ${terminalText(names.get(run.flowId) ?? run.flowId)} resumed after interrupted run ${run.resumedFrom}: it re-read that run's window; records the interrupted run wrote after its last committed page count as updated.`,
                );
            }
          },
        });
      } catch (error) {
        // A store error stops the pass at once: say which flows never ran, then exit with the store's code.
        const store = storeFailure(error);
        if (store) {
          const failed = (store.details as { flowId?: string } | undefined)?.flowId;
          const done = new Set([...runs.map((run) => run.flowId as string), failed]);
          const notRun = dependencyOrder(await Promise.all(selected.map((id) => headless.deps.flows.flow(id))))
            .filter((flow) => !done.has(flow.id))
            .map((flow) => flow.name);
          reporter.closeBar();
          reporter.event('stopped', { reason: store.code, failed: failed ? names.get(failed) : undefined, notRun });
          io.err(
            `mlc: the pass stopped${failed ? ` in “${terminalText(names.get(failed) ?? failed)}”` : ''}: the store failed${notRun.length ? `; not run: ${notRun.map((name) => terminalText(name)).join(', ')}` : ''}.`,
          );
        }
        throw error;
      }
      if (runs.length > 0 && !values['dry-run'] && (await headless.store.history.clearWhenCaughtUp()))
        io.err('mlc: every flow has resynced since the store was replaced; that warning will not show again.');
      const exit = soft.signal.aborted ? exitCodes.interrupted : exitCodeForRuns(runs);
      const status =
        exit === exitCodes.ok
          ? 'succeeded'
          : soft.signal.aborted
            ? 'interrupted'
            : runs.some((run) => run.status === 'failed')
              ? 'failed'
              : 'partial';
      reporter.event('done', { status, runs: runs.length, exitCode: exit });
      if (io.isTty) io.out(`${status} · ${runs.length} run${runs.length === 1 ? '' : 's'}`);
      return exit;
    } catch (error) {
      reporter.closeBar();
      return reportError(io, error);
    } finally {
      unsubscribe();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await headless.close();
    }
  },
};

function selectFlows(ids: string[], names: Map<string, string>, wanted: string[] | undefined): string[] {
  if (!wanted || wanted.length === 0) return ids;
  return wanted.map((name) => {
    const id = ids.find((candidate) => candidate === name || names.get(candidate) === name);
    if (!id)
      throw new AppError(
        'E_NOT_FOUND',
        `The bundle has no flow “${name}”. Its flows: ${ids.map((candidate) => names.get(candidate)).join(', ')}.`,
      );
    return id;
  });
}

export function reportError(io: CommandIo, error: unknown): number {
  // SQLite's own errors (disk full, damaged file) become the store's AppError with its advice.
  error = storeFailure(error) ?? error;
  if (error instanceof AppError) {
    const details = (
      error.details as { problems?: Array<{ code: string; message: string; path?: string }> } | undefined
    )?.problems;
    io.err(`mlc: ${terminalText(redact(error.message))} [${error.code}]`);
    for (const problem of details?.slice(1, 10) ?? [])
      io.err(
        `  ${problem.code}${problem.path ? ` at ${terminalText(problem.path)}` : ''}: ${terminalText(redact(problem.message))}`,
      );
    return error.code.startsWith('E_STORE_') ? exitCodes.store : exitCodeForError(error.code);
  }
  io.err(`mlc: ${terminalText(redact(errorMessage(error)))}`);
  return exitCodes.failure;
}

/**
 * The store was emptied or swapped since this data folder last used it: say
 * so before a run that re-reads everything, so it can be stopped and the
 * backup restored instead.
 */
async function warnIfHistoryLost(
  io: CommandIo,
  reporter: RunReporter,
  history: AsyncStoreHistory,
  fromScratch: string[],
  backup: string,
): Promise<void> {
  const lost = await history.lost();
  if (!lost || fromScratch.length === 0) return;
  reporter.event('warning', {
    code: 'store-replaced',
    previousStoreId: lost.previousId,
    storeId: lost.currentId,
    detectedAt: lost.detectedAt,
    resyncs: fromScratch,
  });
  io.err(
    `mlc: warning: this data folder's store is not the one it used before (store ${lost.previousId} expected, ${lost.currentId} found since ${lost.detectedAt}). ` +
      `Its run history, id map and watermarks are gone, so ${fromScratch.map((name) => terminalText(name)).join(', ')} will re-read and resync everything. ` +
      `If that is unexpected, stop now (Ctrl-C) and restore ${backup} from a backup.`,
  );
}
