import fs from 'node:fs';

/**
 * A debug timeline of a run's stages (`MLC_SYNC_TIMELINE=<file>`): one JSON line per event
 * (`{ t, event, ...detail }`, `t` in ms since the process's time origin), appended to the file.
 * Unset (the default), `mark` is one check and returns: the stages cost nothing to label. It
 * answers "where does the write window sit idle?" (issue 17): batch starts and ends give the
 * writes in flight over time, next to page reads, transforms, commits and the run's start-up.
 */
const file = process.env.MLC_SYNC_TIMELINE;

export function mark(event: string, detail?: Record<string, unknown>): void {
  if (!file) return;
  fs.appendFileSync(file, `${JSON.stringify({ t: Math.round(performance.now() * 10) / 10, event, ...detail })}\n`);
}
