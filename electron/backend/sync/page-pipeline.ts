/**
 * Pages between their read and their commit: page N+1 is read and transformed while page N's
 * batches are in flight, and pages commit strictly in read order, each once all its batches are
 * done and the page before it is committed. At most `depth` pages are open at once, so memory
 * stays bounded; a page holding a source key that an open page holds too waits until that page is
 * committed (its id map, dead letters and audit rows are then what the later page reads).
 */
export class PagePipeline<Result> {
  private readonly open: Array<{ keys: Set<string>; done: Promise<Result>; records: number }> = [];

  constructor(
    /** Commits one finished page (in read order); a throw stops the pipeline. */
    private readonly commit: (result: Result) => void | Promise<void>,
    private readonly depth = 2,
  ) {}

  /** Records of the pages read but not committed yet. */
  recordsInFlight(): number {
    return this.open.reduce((sum, page) => sum + page.records, 0);
  }

  /**
   * Waits until a page holding `keys` may start: no open page shares a key with it (or, with
   * `alone`, no page is open at all: its transform must see every earlier page committed), and
   * the pipeline has room.
   */
  async admit(keys: string[], alone = false): Promise<void> {
    const shared = alone ? this.open.length : this.lastSharing(keys) + 1;
    for (let count = 0; count < shared; count += 1) await this.commitOldest();
    while (this.open.length >= this.depth) await this.commitOldest();
  }

  /** Starts tracking a page whose processing (transform and writes) is `done`. */
  push(keys: string[], records: number, done: Promise<Result>): void {
    // Settled later in order; a failure meanwhile must not count as unhandled.
    done.catch(() => undefined);
    this.open.push({ keys: new Set(keys), done, records });
  }

  /**
   * Commits every open page in order. A failed page stops the commits: the pages after it are
   * left to settle (none keeps writing behind the run's back) and the failure is thrown.
   */
  async drain(): Promise<void> {
    while (this.open.length > 0) await this.commitOldest();
  }

  private lastSharing(keys: string[]): number {
    for (let index = this.open.length - 1; index >= 0; index -= 1)
      if (keys.some((key) => this.open[index]!.keys.has(key))) return index;
    return -1;
  }

  private async commitOldest(): Promise<void> {
    const page = this.open[0]!;
    let result: Result;
    try {
      result = await page.done;
    } catch (error) {
      await this.abandon();
      throw error;
    }
    this.open.shift();
    try {
      await this.commit(result);
    } catch (error) {
      await this.abandon();
      throw error;
    }
  }

  /** Lets every open page settle without committing any. */
  private async abandon(): Promise<void> {
    const pages = this.open.splice(0);
    await Promise.allSettled(pages.map((page) => page.done));
  }
}

/**
 * How many pages a run keeps open so its write window never waits for a transform: the pages
 * whose batches fill the window (a window's worth of records can straddle one page more than it
 * fills), plus one read and transformed ahead, ready to enter the window as batches finish. With
 * two open (1,000-record pages, 10 batches of 100 in flight) page N+2 was only admitted once page
 * N committed, so page N+1's batches ended while page N+2 was still being transformed and the
 * window sat at 1-2 of 10 for 30-60 ms a page (measured with MLC_SYNC_TIMELINE, issue 17).
 * Memory stays bounded: about a window's worth of records plus two pages.
 */
export function pipelineDepth(window: { limit: number; batchSize: number; pageSize: number }): number {
  const pagesInWindow = Math.ceil((window.limit * Math.max(1, window.batchSize)) / Math.max(1, window.pageSize));
  return Math.max(2, pagesInWindow + 2);
}
