import type { HookContext } from '../framework/hooks';
import { cin7Get, cin7Instant } from './cin7-http';

/**
 * Which suppliers (or customers) exist, by ID and by name, so a write costs one
 * call instead of a lookup plus a write. Cin7 has no upsert and allows 60 calls
 * a minute: the theoretical minimum is one list call per 1,000 records plus
 * one POST or PUT per record (API-FACTS §8), and this is what gets us there.
 *
 * Loaded in full on first use, then kept current from our own writes and, when
 * older than `refreshMs`, from `ModifiedSince`. Changes made elsewhere in between
 * are caught where they matter: an unknown ID is confirmed with one GET, and a
 * POST refused as a duplicate name is retried as a PUT after a name lookup.
 */
export class Cin7Directory {
  private readonly nameById = new Map<string, string>();
  private readonly idByName = new Map<string, string>();
  private loadedAt: number | undefined;
  private serverStamp = '';

  constructor(
    private readonly endpoint: string,
    private readonly listKey: string,
    private readonly refreshMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.nameById.size;
  }

  async ensure(context: HookContext, signal?: AbortSignal): Promise<void> {
    if (this.loadedAt !== undefined && this.now() - this.loadedAt < this.refreshMs) return;
    // Ten minutes of overlap covers clock skew between this machine and Cin7.
    const since = this.serverStamp ? new Date(Date.parse(this.serverStamp) - 10 * 60_000).toISOString() : undefined;
    const started = this.now();
    for (let page = 1; ; page += 1) {
      const body = await cin7Get(
        context,
        this.endpoint,
        { Page: page, Limit: 1000, ModifiedSince: since, IncludeDeprecated: 'true' },
        signal,
      );
      const list = Array.isArray(body[this.listKey]) ? (body[this.listKey] as Array<Record<string, unknown>>) : [];
      for (const item of list) {
        this.remember(String(item.ID ?? ''), String(item.Name ?? ''));
        const stamp = cin7Instant(item.LastModifiedOn);
        if (stamp > this.serverStamp) this.serverStamp = stamp;
      }
      const total = Number(body.Total ?? 0);
      if (list.length === 0 || page * 1000 >= total) break;
    }
    this.loadedAt = started;
  }

  hasId(id: string): boolean {
    return this.nameById.has(id.toLowerCase());
  }

  idForName(name: string): string | undefined {
    return this.idByName.get(name.trim().toLowerCase());
  }

  /** Records an ID ↔ name pair (after a write, or a targeted lookup). Cin7 GUIDs vary in case. */
  remember(id: string, name: string): void {
    if (!id) return;
    const key = id.toLowerCase();
    const previous = this.nameById.get(key);
    if (previous !== undefined && this.idByName.get(previous.trim().toLowerCase()) === id)
      this.idByName.delete(previous.trim().toLowerCase());
    this.nameById.set(key, name);
    if (name.trim()) this.idByName.set(name.trim().toLowerCase(), id);
  }
}
