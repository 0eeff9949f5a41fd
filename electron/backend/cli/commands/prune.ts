import { parseArgs } from 'node:util';
import { openStoreBackend, storeUsage } from '../store-option';
import { applyRetention, retentionSettings, saveRetentionSettings } from '../../sync/audit-retention';
import { createLogger } from '../../util/log';
import { exitCodes, type Command } from '../command';
import { reportError } from './run';

const usage = `mlc prune [--days N] [--max-mb N] [--save] [--vacuum] [--store URL]

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
  the store's size, and the store to itself: stop mlc serve and the app first.

${storeUsage}

  On PostgreSQL the same rows go (the size cap estimates bytes per audit row);
  autovacuum then makes their space reusable, but the database files do not
  shrink. --vacuum does nothing there: giving space back to the disk
  (VACUUM FULL audit) locks the table while it runs, so it is left to the
  database's operator, in a maintenance window.`;

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
    let storeOption: string | undefined;
    try {
      const { values, positionals } = parseArgs({
        args: argv,
        options: {
          help: { type: 'boolean' },
          days: { type: 'string' },
          'max-mb': { type: 'string' },
          save: { type: 'boolean' },
          vacuum: { type: 'boolean' },
          store: { type: 'string' },
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
      storeOption = values.store;
    } catch (error) {
      io.err(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
      return exitCodes.usage;
    }
    let backend;
    try {
      backend = await openStoreBackend(io, storeOption, createLogger());
    } catch (error) {
      return reportError(io, error);
    }
    try {
      const store = backend.context.asyncStore;
      const postgres = store.kind === 'postgres';
      const stored = save
        ? await saveRetentionSettings(store.settings, { days, maxMb })
        : await retentionSettings(store.settings);
      const settings = {
        days: days ?? stored.days,
        ...((maxMb ?? stored.maxMb) ? { maxMb: maxMb ?? stored.maxMb } : {}),
      };
      const result = await applyRetention(store, settings);
      const cap = result.maxMb !== undefined ? `a ${result.maxMb} MB size cap` : 'no size cap';
      const given = postgres
        ? 'PostgreSQL reuses their space (autovacuum); its files do not shrink.'
        : result.incremental
          ? `${megabytes(result.reclaimedBytes)} MB given back to the disk.`
          : vacuum
            ? 'this store was made before space could be given back: compacting it now.'
            : 'this store was made before space could be given back: new rows reuse the freed pages (mlc prune --vacuum converts it).';
      io.out(
        `Pruned ${result.pruned} audit row${result.pruned === 1 ? '' : 's'} (keeping ${result.days} days, ${cap}); ${given}`,
      );
      if (vacuum && postgres)
        io.err(
          'mlc prune: --vacuum compacts a SQLite store only; nothing was compacted. On PostgreSQL, VACUUM FULL audit gives the space back to the disk but locks the table while it runs: an operator runs it in a maintenance window.',
        );
      else if (vacuum) {
        const compacted = backend.context.store.compact();
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
