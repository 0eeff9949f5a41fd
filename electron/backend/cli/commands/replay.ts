import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createBackend } from '../../backend';
import { openHeadless } from '../../runtime/headless-runtime';
import type { EngineDeps } from '../../sync/engine-deps';
import { replayRecords } from '../../sync/replay';
import { syncService } from '../../sync/sync.service';
import { resolveDataDir } from '../../store/paths';
import { createLogger } from '../../util/log';
import { exitCodes, type Command } from '../command';
import { exitCodeForRuns, runSummary } from '../run-reporter';
import { headlessOptions, headlessSettingKeys, reportError } from './run';
import { openStoreBackend, storeUsage } from '../store-option';
import { storeUrlFrom } from '../../store/store-url';
import { AppError } from '../../../../shared/errors';

const usage = `mlc replay RUN_ID [--audit ID]... [--mapping current|original] [--bundle BUNDLE] [--secrets FILE] [--store URL] [--json]

  Replays the failed records of a run (or the given audit rows) from their
  stored source payload, as a new run; the source is not read again.

  --audit ID        replay only this audit row (repeat for several; see \`mlc runs --run RUN_ID\`)
  --mapping M       current (default) or original: the mapping version the record first ran with
  --bundle BUNDLE   bind connections from this bundle; default: the bundle the last \`mlc run\`
                    or \`mlc serve\` in this data folder used, else the folder's own connections
  --secrets FILE    settings/secrets file for the bundle (default: the one last used)
${storeUsage}

  Exit codes: 0 every record went through, 1 some failed again, 4 secrets missing.`;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Replay a run’s failed records (all, or chosen audit rows) with the current or original mapping.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        audit: { type: 'string', multiple: true },
        mapping: { type: 'string', default: 'current' },
        bundle: { type: 'string' },
        secrets: { type: 'string' },
        store: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const runId = positionals[0];
    if (values.help || !runId || positionals.length > 1 || !['current', 'original'].includes(values.mapping)) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    const auditIds = values.audit?.map(Number);
    if (auditIds?.some((id) => !Number.isInteger(id))) {
      io.err('mlc replay: --audit takes audit row numbers (see `mlc runs --run RUN_ID`).');
      return exitCodes.usage;
    }
    let bundleFile = values.bundle;
    let secretsFile = values.secrets;
    if (!bundleFile) {
      const probe = createBackend({ runtime: 'cli', dataDir: resolveDataDir(io.env), logger: createLogger() });
      const read = (key: string) => probe.context.store.settings.get(key);
      const remembered = read(headlessSettingKeys.bundle);
      if (remembered && fs.existsSync(remembered)) {
        bundleFile = remembered;
        secretsFile ??= read(headlessSettingKeys.secrets);
      }
      await probe.close();
    }
    let deps: EngineDeps;
    let close: () => Promise<void>;
    try {
      if (bundleFile) {
        const headless = await openHeadless(
          headlessOptions(bundleFile, { secrets: secretsFile, store: values.store }, io),
        );
        deps = headless.deps;
        close = () => headless.close();
      } else {
        // The folder's own connections and vault are SQLite's: on a PostgreSQL store a bundle binds them.
        if (storeUrlFrom(values.store, io.env))
          throw new AppError(
            'E_INVALID_INPUT',
            'On a PostgreSQL store, replay binds its connections from a bundle: add --bundle BUNDLE (and --secrets FILE if the run used one).',
          );
        const backend = await openStoreBackend(io, values.store, createLogger());
        deps = syncService(backend.context).deps;
        close = () => backend.close();
      }
    } catch (error) {
      return reportError(io, error);
    }
    try {
      const run = await replayRecords(deps, { runId, auditIds, mapping: values.mapping as 'current' | 'original' });
      const summary = runSummary(run, (await deps.flows.findFlow(run.flowId))?.name);
      if (values.json) io.out(JSON.stringify(summary));
      else
        io.out(
          `${run.status}: replayed ${run.counters.read} records — ${run.counters.created} created, ${run.counters.updated} updated, ${run.counters.unchanged} unchanged, ${run.counters.failed} failed again (run ${run.id})`,
        );
      return exitCodeForRuns([run]);
    } catch (error) {
      return reportError(io, error);
    } finally {
      await close();
    }
  },
};
