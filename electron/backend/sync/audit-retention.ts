import { errorMessage } from '../../../shared/errors';
import type { SettingsRepository } from '../store/settings.repository';
import type { Logger } from '../util/log';
import type { AuditRepository } from './audit.repository';

/** Where the retention settings live (the store's settings table): the UI, `mlc prune` and hosts share them. */
export const retentionKeys = { days: 'audit.retentionDays', maxMb: 'audit.retentionMaxMb' } as const;

export const defaultRetentionDays = 90;

export interface RetentionSettings {
  /** Audit rows older than this many days go. */
  days: number;
  /** The store is kept under this many MB by dropping the oldest audit rows; undefined = no size cap. */
  maxMb?: number;
}

export function retentionSettings(settings: SettingsRepository): RetentionSettings {
  const days = Number(settings.get(retentionKeys.days) ?? defaultRetentionDays);
  const maxMb = Number(settings.get(retentionKeys.maxMb) ?? 0);
  return { days, ...(maxMb > 0 ? { maxMb } : {}) };
}

/** Saves changed settings; `maxMb: null` removes the size cap. */
export function saveRetentionSettings(
  settings: SettingsRepository,
  change: { days?: number; maxMb?: number | null },
): RetentionSettings {
  if (change.days !== undefined) settings.set(retentionKeys.days, String(change.days));
  if (change.maxMb !== undefined) settings.set(retentionKeys.maxMb, String(change.maxMb ?? 0));
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
export function applyRetention(
  store: { audit: AuditRepository; settings: SettingsRepository },
  settings: RetentionSettings = retentionSettings(store.settings),
  now = new Date(),
): RetentionResult {
  let pruned = store.audit.pruneAudit(settings.days, now);
  if (settings.maxMb !== undefined) pruned += store.audit.pruneAuditToSize(settings.maxMb * 1024 * 1024);
  const { reclaimedBytes, incremental } = store.audit.reclaimSpace();
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
  store: { audit: AuditRepository; settings: SettingsRepository },
  log: Logger,
  everyMs = retentionEveryMs,
): { afterRun(): void; stop(): void } {
  const apply = () => {
    try {
      const result = applyRetention(store);
      if (result.pruned > 0) log.info('audit retention applied', { ...result });
    } catch (error) {
      log.warn('audit retention failed; it is tried again later', { error: errorMessage(error) });
    }
  };
  apply();
  const timer = setInterval(apply, everyMs);
  timer.unref();
  return { afterRun: apply, stop: () => clearInterval(timer) };
}
