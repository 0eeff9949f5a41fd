import type { RunProgress } from '../../../../shared/domain/run';

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
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone });
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
