/**
 * A fixed-window call quota, like an API gateway's "N calls per interval" policy.
 * Windows are aligned to the sandbox clock so tests can step past them.
 */
export interface QuotaSettings {
  perWindow: number;
  windowMs: number;
  /** Retry-After on the 429: omitted by default (ION documents none); `'window'` = seconds left in the window. */
  retryAfter?: 'window' | number;
}

export class Quota {
  private settings: QuotaSettings | null = null;
  private windowStart = 0;
  private used = 0;

  set(settings: QuotaSettings | null): void {
    if (settings && (!(settings.perWindow >= 0) || !(settings.windowMs > 0))) {
      throw new Error('quota needs perWindow >= 0 and windowMs > 0');
    }
    this.settings = settings;
    this.used = 0;
    this.windowStart = 0;
  }

  /** Counts one call; returns the Retry-After seconds (or null for none) when the call is over quota, else undefined. */
  take(now: number): { retryAfter: number | null } | undefined {
    const settings = this.settings;
    if (!settings) return undefined;
    const start = now - (now % settings.windowMs);
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    if (this.used < settings.perWindow) {
      this.used += 1;
      return undefined;
    }
    if (settings.retryAfter === undefined) return { retryAfter: null };
    if (settings.retryAfter === 'window') return { retryAfter: Math.ceil((start + settings.windowMs - now) / 1000) };
    return { retryAfter: settings.retryAfter };
  }

  describe(): (QuotaSettings & { used: number }) | null {
    return this.settings ? { ...this.settings, used: this.used } : null;
  }
}
