/** Call counters: per route and status, plus named counters a simulator bumps (tokens issued, refreshes). */
export interface RouteStats {
  total: number;
  byStatus: Record<string, number>;
}

export interface SandboxStats {
  total: number;
  byStatus: Record<string, number>;
  routes: Record<string, RouteStats>;
  counters: Record<string, number>;
  faultsHit: number;
  quotaRejected: number;
}

export class StatsRecorder {
  private data: SandboxStats = emptyStats();

  /** `status` is a number, or `'reset'`/`'aborted'` when no answer went out. */
  record(route: string, status: number | string): void {
    const key = String(status);
    this.data.total += 1;
    this.data.byStatus[key] = (this.data.byStatus[key] ?? 0) + 1;
    const entry = (this.data.routes[route] ??= { total: 0, byStatus: {} });
    entry.total += 1;
    entry.byStatus[key] = (entry.byStatus[key] ?? 0) + 1;
  }

  bump(counter: 'faultsHit' | 'quotaRejected' | string, by = 1): void {
    if (counter === 'faultsHit' || counter === 'quotaRejected') this.data[counter] += by;
    else this.data.counters[counter] = (this.data.counters[counter] ?? 0) + by;
  }

  snapshot(): SandboxStats {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = emptyStats();
  }
}

function emptyStats(): SandboxStats {
  return { total: 0, byStatus: {}, routes: {}, counters: {}, faultsHit: 0, quotaRejected: 0 };
}
