/**
 * The simulator's notion of "now": real time by default, pinnable or advanceable from tests
 * so token expiry, quota windows and modification stamps are deterministic.
 */
export interface SandboxClock {
  now(): number;
  /** Pin the clock to an instant (it then stands still); `null` returns to real time. */
  set(instant: Date | number | string | null): void;
  /** Move the clock forward (works whether pinned or real). */
  advance(milliseconds: number): void;
  readonly pinned: boolean;
}

export function createClock(): SandboxClock {
  let pinnedAt: number | null = null;
  let offset = 0;
  return {
    now: () => (pinnedAt ?? Date.now()) + offset,
    set(instant) {
      offset = 0;
      if (instant === null) {
        pinnedAt = null;
        return;
      }
      const value =
        instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
      if (!Number.isFinite(value)) throw new Error(`Not a valid instant: ${String(instant)}`);
      pinnedAt = value;
    },
    advance(milliseconds) {
      offset += milliseconds;
    },
    get pinned() {
      return pinnedAt !== null;
    },
  };
}
