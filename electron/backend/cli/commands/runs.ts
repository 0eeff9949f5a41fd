import { parseArgs } from 'node:util';
import { openStoreBackend, storeUsage } from '../store-option';
import { createLogger } from '../../util/log';
import { redact } from '../../util/redact';
import { exitCodes, type Command } from '../command';
import { reportError } from './run';
import { runSummary } from '../run-reporter';
import { terminalText } from '../terminal-text';

const usage = `mlc runs [--flow NAME] [--limit N] [--run RUN_ID [--outcome O]] [--store URL] [--json]

  The audit log from the terminal: recent runs (newest first) with their
  counters and API calls; with --run, that run's audit rows (one per record:
  source key, outcome, target key, error) — failed ones are what \`mlc replay\` retries.

  --flow NAME   only this flow's runs (name or id)
  --limit N     how many (default 20)
  --run ID      list the audit rows of one run
  --outcome O   with --run: created, updated, unchanged, skipped or failed
  --json        JSON lines instead of a table
${storeUsage}`;

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List recent runs, or one run’s audit rows, from the data folder’s audit log.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        flow: { type: 'string' },
        limit: { type: 'string' },
        run: { type: 'string' },
        outcome: { type: 'string' },
        json: { type: 'boolean', default: false },
        store: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help || positionals.length > 0) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      io.err('mlc runs: --limit must be a whole number from 1 to 10000.');
      return exitCodes.usage;
    }
    const outcomes = ['created', 'updated', 'unchanged', 'skipped', 'failed'] as const;
    if (values.outcome !== undefined && !(outcomes as readonly string[]).includes(values.outcome)) {
      io.err(`mlc runs: --outcome must be one of ${outcomes.join(', ')}.`);
      return exitCodes.usage;
    }
    let backend;
    try {
      backend = await openStoreBackend(io, values.store, createLogger());
    } catch (error) {
      return reportError(io, error);
    }
    try {
      const service = backend.context.asyncStore;
      const flows = await service.flows.flows();
      const names = new Map(flows.map((flow) => [flow.id as string, flow.name]));
      if (values.run) {
        const run = await service.runs.run(values.run);
        const page = await service.audit.audits({
          runId: run.id,
          outcome: values.outcome as (typeof outcomes)[number] | undefined,
          limit,
        });
        if (values.json) {
          for (const row of page.items)
            io.out(
              JSON.stringify({
                auditId: row.id,
                sourceKey: row.sourceKey,
                outcome: row.outcome,
                targetKey: row.targetKey,
                attempt: row.attempt,
                errorCode: row.errorCode,
                errorMessage: row.errorMessage,
              }),
            );
          return exitCodes.ok;
        }
        io.out(
          `run ${run.id} · ${terminalText(names.get(run.flowId) ?? run.flowId)} · ${run.status} · ${page.total} rows${values.outcome ? ` ${values.outcome}` : ''}`,
        );
        for (const row of page.items) {
          io.out(
            `  #${String(row.id).padEnd(7)} ${terminalText(row.sourceKey).padEnd(16)} ${row.outcome.padEnd(9)} ${terminalText(row.targetKey ?? '-').padEnd(22)} ${row.errorCode ? `${row.errorCode}: ${terminalText(redact(row.errorMessage ?? ''))}` : ''}`.trimEnd(),
          );
        }
        return exitCodes.ok;
      }
      const flowId = values.flow
        ? (flows.find((flow) => flow.id === values.flow || flow.name === values.flow)?.id ?? values.flow)
        : undefined;
      const runs = await service.runs.runs({ flowId, limit });
      if (values.json) {
        for (const run of runs) io.out(JSON.stringify(runSummary(run, names.get(run.flowId))));
        return exitCodes.ok;
      }
      if (runs.length === 0) {
        io.out('No runs yet.');
        return exitCodes.ok;
      }
      io.out(
        `${'started'.padEnd(20)} ${'flow'.padEnd(22)} ${'status'.padEnd(11)} ${'read'.padStart(7)} ${'new'.padStart(6)} ${'upd'.padStart(6)} ${'same'.padStart(6)} ${'fail'.padStart(5)} ${'calls'.padStart(6)}  run id`,
      );
      for (const run of runs) {
        const c = run.counters;
        io.out(
          `${run.startedAt.slice(0, 19).replace('T', ' ').padEnd(20)} ${terminalText(
            names.get(run.flowId) ?? run.flowId,
          )
            .slice(0, 22)
            .padEnd(
              22,
            )} ${run.status.padEnd(11)} ${String(c.read).padStart(7)} ${String(c.created).padStart(6)} ${String(c.updated).padStart(6)} ${String(c.unchanged).padStart(6)} ${String(c.failed).padStart(5)} ${String(run.calls.source + run.calls.target).padStart(6)}  ${run.id}`,
        );
      }
      return exitCodes.ok;
    } catch (error) {
      return reportError(io, error);
    } finally {
      await backend.close();
    }
  },
};
