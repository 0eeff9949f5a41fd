import { parseArgs } from 'node:util';
import { createBackend } from '../../backend';
import { resolveDataDir } from '../../store/paths';
import { applyRetention, retentionSettings, saveRetentionSettings } from '../../sync/audit-retention';
import { createLogger } from '../../util/log';
import { exitCodes, type Command } from '../command';
import { reportError } from './run';

const usage = `mlc prune [--days N] [--max-mb N] [--save] [--vacuum]

  Applies audit retention to the data folder's store now: audit rows older
  than N days go (default: the store's setting, 90 days unless changed), then
  the oldest rows until the store fits in --max-mb megabytes (default: the
  store's size cap, none unless set). Failed records that wait for a replay
  (dead letters) keep their rows. Freed space is given back to the disk.

  The desktop app, mlc studio and mlc serve apply the same retention hourly and
  after each run. --save keeps --days and --max-mb as the store's settings.

  --vacuum then rewrites the whole store (SQLite VACUUM): the file shrinks to
  what it holds, and a store made before space could be given back is
  converted so that later prunes give it back. It needs as much free disk as
  the store's size, and the store to itself: stop mlc serve and the app first.`;

/** A whole number ≥ 1, or undefined when the option was not given. */
function count(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new UsageError(`${option} takes a whole number of at least 1.`);
  return parsed;
}

class UsageError extends Error {}

const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'Apply audit retention now (age and size cap) and give freed space back.',
  usage,
  async run(argv, io) {
    let days: number | undefined;
    let maxMb: number | undefined;
    let save = false;
    let vacuum = false;
    try {
      const { values, positionals } = parseArgs({
        args: argv,
        options: {
          help: { type: 'boolean' },
          days: { type: 'string' },
          'max-mb': { type: 'string' },
          save: { type: 'boolean' },
          vacuum: { type: 'boolean' },
        },
        allowPositionals: true,
        strict: true,
      });
      if (values.help || positionals.length > 0) {
        (values.help ? io.out : io.err)(usage);
        return values.help ? exitCodes.ok : exitCodes.usage;
      }
      days = count(values.days, '--days');
      maxMb = count(values['max-mb'], '--max-mb');
      save = values.save ?? false;
      vacuum = values.vacuum ?? false;
    } catch (error) {
      io.err(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
      return exitCodes.usage;
    }
    let backend;
    try {
      backend = createBackend({ runtime: 'cli', dataDir: resolveDataDir(io.env), logger: createLogger() });
    } catch (error) {
      return reportError(io, error);
    }
    try {
      const { store } = backend.context;
      const stored = save ? saveRetentionSettings(store.settings, { days, maxMb }) : retentionSettings(store.settings);
      const settings = {
        days: days ?? stored.days,
        ...((maxMb ?? stored.maxMb) ? { maxMb: maxMb ?? stored.maxMb } : {}),
      };
      const result = applyRetention(store, settings);
      const cap = result.maxMb !== undefined ? `a ${result.maxMb} MB size cap` : 'no size cap';
      const given = result.incremental
        ? `${megabytes(result.reclaimedBytes)} MB given back to the disk.`
        : vacuum
          ? 'this store was made before space could be given back: compacting it now.'
          : 'this store was made before space could be given back: new rows reuse the freed pages (mlc prune --vacuum converts it).';
      io.out(
        `Pruned ${result.pruned} audit row${result.pruned === 1 ? '' : 's'} (keeping ${result.days} days, ${cap}); ${given}`,
      );
      if (vacuum) {
        const compacted = store.compact();
        io.out(
          `Compacted the store from ${megabytes(compacted.beforeBytes)} MB to ${megabytes(compacted.afterBytes)} MB${
            compacted.converted ? '; later prunes give freed space back to the disk' : ''
          }.`,
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
