import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Run } from '../../../../shared/domain/run';
import { AppError } from '../../../../shared/errors';
import { openHeadless, type HeadlessOptions } from '../../bundle/headless-runtime';
import { dependencyOrder } from '../../sync/dependency-order';
import { createLogger } from '../../util/log';
import { redact } from '../../util/redact';
import { exitCodes, type Command, type CommandIo } from '../command';
import { exitCodeForError, exitCodeForRuns, RunReporter } from '../run-reporter';
import { terminalText } from '../terminal-text';

const usage = `mlc run BUNDLE [--flow NAME]... [--dry-run] [--secrets FILE] [--no-keyring]

  One pass of the bundle's flows in dependency order (accounts before orders),
  against the connections' real endpoints. Runs, the audit log, the id map and
  watermarks live in the data folder (MLC_HOME), so the next run continues
  incrementally; \`mlc runs\` and \`mlc replay\` read them.

  --flow NAME      run only this flow (name or id; repeat for several)
  --dry-run        transform and compare with the target, write nothing
  --secrets FILE   settings/secrets file (JSON, chmod 600):
                   { "secrets": { "<slot>": "…" }, "settings": { "<ref>": { "<key>": … } } }
  --no-keyring     do not ask the OS keyring for missing secrets

  Secrets come from MLC_SECRET_<SLOT> (e.g. MLC_SECRET_ZOHO_REFRESH_TOKEN), the
  secrets file, or the OS keyring (secret-tool on Linux, security on macOS; when
  neither is installed the keyring is skipped). Settings can be overridden with
  MLC_SETTING_<REF>_<KEY>. Sandbox connections bind to the files \`mlc sandbox\`
  writes into <data dir>/sandbox/.

  Output: a progress bar on a terminal; JSON lines (progress, run, done) otherwise.
  Exit codes: 0 all runs succeeded, 1 some records failed, 3 invalid bundle,
  4 secrets missing or refused, 5 a system kept failing, 130 interrupted.`;

export const headlessSettingKeys = { bundle: 'headless.bundle', secrets: 'headless.secrets' } as const;

/** The options every bundle command shares, from parsed flags. */
export function headlessOptions(file: string, values: { secrets?: string; keyring?: boolean }, io: CommandIo): HeadlessOptions {
  return {
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
      headless = await openHeadless(headlessOptions(file, { secrets: values.secrets, keyring: !values['no-keyring'] }, io));
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
      const remember = backend.context.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
      remember.run(headlessSettingKeys.bundle, path.resolve(file));
      if (values.secrets) remember.run(headlessSettingKeys.secrets, path.resolve(values.secrets));
      const selected = selectFlows(headless.flowIds, names, values.flow);
      reporter.event('start', { bundle: bundle.name, contentHash: bundle.contentHash, flows: selected.map((id) => names.get(id)), dryRun: values['dry-run'] });
      const runs: Run[] = [];
      for (const flow of dependencyOrder(selected.map((id) => headless.deps.flows.flow(id)))) {
        const id = flow.id as string;
        if (soft.signal.aborted) break;
        const run = await engine.runFlow(id, { trigger: values['dry-run'] ? 'dry-run' : 'cli', dryRun: values['dry-run'] || undefined, signal: hard.signal, stopSignal: soft.signal });
        runs.push(run);
        reporter.run(run);
      }
      const exit = soft.signal.aborted ? exitCodes.interrupted : exitCodeForRuns(runs);
      const status = exit === exitCodes.ok ? 'succeeded' : soft.signal.aborted ? 'interrupted' : runs.some((run) => run.status === 'failed') ? 'failed' : 'partial';
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
    if (!id) throw new AppError('E_NOT_FOUND', `The bundle has no flow “${name}”. Its flows: ${ids.map((candidate) => names.get(candidate)).join(', ')}.`);
    return id;
  });
}

export function reportError(io: CommandIo, error: unknown): number {
  if (error instanceof AppError) {
    const details = (error.details as { problems?: Array<{ code: string; message: string; path?: string }> } | undefined)?.problems;
    io.err(`mlc: ${terminalText(redact(error.message))} [${error.code}]`);
    for (const problem of details?.slice(1, 10) ?? []) io.err(`  ${problem.code}${problem.path ? ` at ${terminalText(problem.path)}` : ''}: ${terminalText(redact(problem.message))}`);
    return exitCodeForError(error.code);
  }
  io.err(`mlc: ${terminalText(redact(error instanceof Error ? error.message : String(error)))}`);
  return exitCodes.failure;
}
