import type { RunCounters, RunProgress } from '../../../../shared/domain/run';
import { formatClock, formatNumber } from '../../components/format';

const phaseWords: Record<RunProgress['phase'], string> = {
  starting: 'Starting',
  reading: 'Reading source',
  transforming: 'Transforming',
  writing: 'Writing to target',
  paused: 'Paused',
  finishing: 'Finishing',
  done: 'Done',
};

/** "09:05" in the viewer's time zone (the run resumes then, as the system's Retry-After said). */
export function clockTime(iso: string, timeZone?: string): string {
  return formatClock(iso, timeZone);
}

/** The bar's headline: what the run is doing, and while paused, until when. */
export function runProgressHeadline(
  progress: Pick<RunProgress, 'phase' | 'pausedUntil'> | undefined,
  dryRun: boolean,
  timeZone?: string,
): string {
  const phase = progress?.phase ?? 'starting';
  if (phase === 'done') return `${dryRun ? 'Dry run' : 'Run'} finished`;
  const words =
    phase === 'paused' && progress?.pausedUntil
      ? `Paused until ${clockTime(progress.pausedUntil, timeZone)} (the system asked to wait)`
      : phaseWords[phase];
  return `${dryRun ? 'Dry run' : 'Running'} · ${words}`;
}

/**
 * A finished run's counts on its flow card. Skipped records are named (with the echoes and source
 * deletions among them) so a two-way run that read 1,060 and wrote nothing adds up; conflicts are
 * part of the writes and named after them.
 */
export function runOutcomeCounts(counters: RunCounters, dryRun: boolean): string {
  const parts = [
    `${formatNumber(counters.read)} read`,
    `${formatNumber(counters.created)} ${dryRun ? 'would be created' : 'created'}`,
    `${formatNumber(counters.updated)} ${dryRun ? 'would change' : 'updated'}`,
    `${formatNumber(counters.unchanged)} unchanged`,
  ];
  if (counters.skipped > 0) {
    const why = [
      counters.echoes ? `${formatNumber(counters.echoes)} echoes` : '',
      counters.deleted ? `${formatNumber(counters.deleted)} deleted in source` : '',
    ].filter(Boolean);
    parts.push(`${formatNumber(counters.skipped)} skipped${why.length > 0 ? ` (${why.join(', ')})` : ''}`);
  }
  if (counters.conflicts)
    parts.push(`${formatNumber(counters.conflicts)} ${counters.conflicts === 1 ? 'conflict' : 'conflicts'} resolved`);
  if (counters.failed > 0) parts.push(`${formatNumber(counters.failed)} failed`);
  return parts.join(' · ');
}
