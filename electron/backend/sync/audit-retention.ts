import { errorMessage } from '../../../shared/errors';
import type { AsyncAuditRepository, AsyncSettingsRepository } from '../store/async-store';
import type { Logger } from '../util/log';

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
  const days = Number((await settings.get(retentionKeys.days)) ?? defaultRetentionDays);
  const maxMb = Number((await settings.get(retentionKeys.maxMb)) ?? 0);
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
 * Retention for a long-lived host (the desktop backend, `mlc studio`, `mlc serve`): applied now, every
 * hour and after each run. Returns the after-run trigger and a stop function. A failure is logged, never
 * thrown: retention must not stop a run or the host.
 */
export function scheduleRetention(
  store: { audit: RetentionAudit; settings: Pick<AsyncSettingsRepository, 'get'> },
  log: Logger,
  everyMs = retentionEveryMs,
): { afterRun(): void; stop(): void } {
  // One pass at a time: a run ending while one is under way needs no second one queued behind it.
  let applying: Promise<void> | undefined;
  const apply = () => {
    applying ??= applyRetention(store)
      .then((result) => {
        if (result.pruned > 0) log.info('audit retention applied', { ...result });
      })
      .catch((error: unknown) =>
        log.warn('audit retention failed; it is tried again later', { error: errorMessage(error) }),
      )
      .finally(() => (applying = undefined));
  };
  apply();
  const timer = setInterval(apply, everyMs);
  timer.unref();
  return { afterRun: apply, stop: () => clearInterval(timer) };
}
