import type { RunCounters } from '../../../shared/domain/run';
import type { processPage } from './page-processor';

/** A page whose batches are all done: what to commit, and its counters. */
export interface PageDone {
  result: Awaited<ReturnType<typeof processPage>>;
  counters: RunCounters;
}

/** Adds a committed page's counters to the run's. */
export function addCounters(run: RunCounters, page: RunCounters) {
  for (const [name, value] of Object.entries(page) as Array<[keyof RunCounters, number | undefined]>)
    if (typeof value === 'number') run[name] = (run[name] ?? 0) + value;
}

/** Carries a page's failure past the re-read policy, which handles failures of the read alone. */
export class PageFailed extends Error {
  constructor(readonly failure: unknown) {
    super('The page failed.');
  }
}
