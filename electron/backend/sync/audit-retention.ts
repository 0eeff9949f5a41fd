import { errorMessage } from '../../../shared/errors';
import type { AsyncAuditRepository, AsyncSettingsRepository } from '../store/async-store';
import type { Logger } from '../util/log';
import type { Store } from '../store/store';

type RetentionAudit = Pick<AsyncAuditRepository, 'pruneAudit' | 'pruneAuditToSize' | 'reclaimSpace'>;

/** Where the retention settings live (the store's settings table): the UI, `mlc prune` and hosts share them. */
export const retentionKeys = { days: 'audit.retentionDays', maxMb: 'audit.retentionMaxMb' } as const;

export const defaultRetentionDays = 90;

export interface RetentionSettings {
  /** Audit rows older than this many days go. */
  days: number;
  /** The store is kept under this many MB by dropping the oldest audit rows; undefined = no size cap. */
  maxMb?: number;
}

export async function retentionSettings(settings: Pick<AsyncSettingsRepository, 'get'>): Promise<RetentionSettings> {
  return settingsOf(await settings.get(retentionKeys.days), await settings.get(retentionKeys.maxMb));
}

/** The stored texts as settings: defaults for what is unset, no size cap for 0. */
function settingsOf(daysText: string | undefined, maxMbText: string | undefined): RetentionSettings {
  const days = Number(daysText ?? defaultRetentionDays);
  const maxMb = Number(maxMbText ?? 0);
  return { days, ...(maxMb > 0 ? { maxMb } : {}) };
}

/** Saves changed settings; `maxMb: null` removes the size cap. */
export async function saveRetentionSettings(
  settings: Pick<AsyncSettingsRepository, 'get' | 'set'>,
  change: { days?: number; maxMb?: number | null },
): Promise<RetentionSettings> {
  if (change.days !== undefined) await settings.set(retentionKeys.days, String(change.days));
  if (change.maxMb !== undefined) await settings.set(retentionKeys.maxMb, String(change.maxMb ?? 0));
  return retentionSettings(settings);
}

export interface RetentionResult extends RetentionSettings {
  /** Audit rows removed (by age, then by size). */
  pruned: number;
  /** Bytes given back to the file system by `PRAGMA incremental_vacuum`. */
  reclaimedBytes: number;
  /** False for stores made before incremental auto-vacuum: freed pages are reused, the file does not shrink. */
  incremental: boolean;
}

/** Applies retention once: age, then the size cap, then gives the freed pages back. Dead letters keep their rows. */
export async function applyRetention(
  store: { audit: RetentionAudit; settings: Pick<AsyncSettingsRepository, 'get'> },
  given?: RetentionSettings,
  now = new Date(),
): Promise<RetentionResult> {
  const settings = given ?? (await retentionSettings(store.settings));
  let pruned = await store.audit.pruneAudit(settings.days, now);
  if (settings.maxMb !== undefined) pruned += await store.audit.pruneAuditToSize(settings.maxMb * 1024 * 1024);
  const { reclaimedBytes, incremental } = await store.audit.reclaimSpace();
  return { ...settings, pruned, reclaimedBytes, incremental };
}

/** How often long-lived hosts apply retention besides after each run. */
export const retentionEveryMs = 60 * 60 * 1000;

/**
 * `applyRetention` over the synchronous SQLite repositories, done before it returns: the desktop
 * host applies it inline (at start, and in the `runs.changed` of a run that ended), so a run's
 * call returns with retention already applied, as the UI expects.
 */
export function applyRetentionNow(
  store: Pick<Store, 'audit' | 'settings'>,
  given?: RetentionSettings,
  now = new Date(),
): RetentionResult {
  const settings = given ?? settingsOf(store.settings.get(retentionKeys.days), store.settings.get(retentionKeys.maxMb));
  let pruned = store.audit.pruneAudit(settings.days, now);
  if (settings.maxMb !== undefined) pruned += store.audit.pruneAuditToSize(settings.maxMb * 1024 * 1024);
  const { reclaimedBytes, incremental } = store.audit.reclaimSpace();
  return { ...settings, pruned, reclaimedBytes, incremental };
}

/**
 * Retention for a long-lived host (the desktop backend, `mlc studio`, `mlc serve`): `apply` now, every
 * hour and after each run. Returns the after-run trigger and a stop function. A failure is logged, never
 * thrown: retention must not stop a run or the host. An `apply` that answers later (the async store)
 * runs one at a time: a run ending while one is under way needs no second one queued behind it.
 */
export function scheduleRetention(
  apply: () => RetentionResult | Promise<RetentionResult>,
  log: Logger,
  everyMs = retentionEveryMs,
): { afterRun(): void; stop(): void } {
  let applying: Promise<void> | undefined;
  const report = (result: RetentionResult) => {
    if (result.pruned > 0) log.info('audit retention applied', { ...result });
  };
  const fail = (error: unknown) =>
    log.warn('audit retention failed; it is tried again later', { error: errorMessage(error) });
  const once = () => {
    if (applying) return;
    try {
      const result = apply();
      if (result instanceof Promise) applying = result.then(report, fail).finally(() => (applying = undefined));
      else report(result);
    } catch (error) {
      fail(error);
    }
  };
  once();
  const timer = setInterval(once, everyMs);
  timer.unref();
  return { afterRun: once, stop: () => clearInterval(timer) };
}
