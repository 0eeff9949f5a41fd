#!/usr/bin/env node
/**
 * Reads a run's debug timeline (MLC_SYNC_TIMELINE=<file>, electron/backend/sync/run-timeline.ts)
 * and says where the write window sat idle: writes in flight on average, when the first write
 * started and the last ended, and the stretches with fewer than `--below` (default: the most
 * seen) batches in flight, with the stages that ran meanwhile.
 *   node scripts/sync-timeline.mjs /tmp/timeline.jsonl [--below 10] [--longer-than 20]
 */
import fs from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/sync-timeline.mjs <timeline.jsonl> [--below N] [--longer-than MS]');
  process.exit(2);
}
const option = (name, fallback) => {
  const at = rest.indexOf(name);
  return at >= 0 ? Number(rest[at + 1]) : fallback;
};
const events = fs
  .readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
if (events.length === 0) throw new Error(`${file} holds no events: was MLC_SYNC_TIMELINE set for the run?`);
const origin = events[0].t;
let inFlight = 0;
let most = 0;
for (const event of events) {
  if (event.event === 'batch.start') most = Math.max(most, (inFlight += 1));
  if (event.event === 'batch.end') inFlight -= 1;
}
const below = option('--below', most);
const longer = option('--longer-than', 20);
inFlight = 0;
let area = 0;
let previous = 0;
let firstWrite;
let lastWrite;
let gap;
const gaps = [];
for (const event of events) {
  const t = event.t - origin;
  area += inFlight * (t - previous);
  previous = t;
  if (event.event === 'batch.start') {
    inFlight += 1;
    firstWrite ??= t;
  }
  if (event.event === 'batch.end') {
    inFlight -= 1;
    lastWrite = t;
  }
  if (firstWrite === undefined) continue;
  if (inFlight < below && !gap) gap = { from: t, stages: [] };
  else if (gap && inFlight >= below) {
    if (t - gap.from > longer) gaps.push({ ...gap, to: t });
    gap = undefined;
  }
  if (gap && !event.event.startsWith('batch.')) gap.stages.push(event.event);
}
const round = (value) => Math.round(value * 10) / 10;
console.log(
  JSON.stringify(
    {
      totalMs: round(previous),
      firstWriteMs: round(firstWrite ?? 0),
      lastWriteEndMs: round(lastWrite ?? 0),
      meanInFlight: round(area / Math.max(1, previous)),
      mostInFlight: most,
      [`gapsBelow${below}LongerThan${longer}ms`]: gaps.map((entry) => ({
        fromMs: round(entry.from),
        ms: round(entry.to - entry.from),
        stages: [...new Set(entry.stages)],
      })),
    },
    null,
    2,
  ),
);
