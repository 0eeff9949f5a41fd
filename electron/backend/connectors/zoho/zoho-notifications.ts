import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import type { HttpConnection } from '../../http/http-client';

/**
 * Zoho watch channels (API-FACTS §2.6): enable for some events, keep track of
 * each channel's expiry (at most a week; Zoho falls back to one hour), renew
 * with PATCH before it lapses, disable. The HTTP receiver lives in the headless
 * runtime; it calls `verifyZohoNotification` on every callback.
 */
export interface WatchRequest {
  channelId: string;
  /** `Accounts.all`, `Deals.edit`, … */
  events: string[];
  notifyUrl: string;
  /** Echoed in every callback (≤ 50 characters); proves the callback came from this channel. */
  token: string;
  /** Wanted lifetime; Zoho allows at most one week. */
  lifetimeMs?: number;
}

export interface WatchState {
  channelId: string;
  events: string[];
  notifyUrl: string;
  expiresAt: number;
}

const weekMs = 7 * 24 * 3600_000;

export class ZohoWatchChannels {
  private readonly tracked = new Map<string, WatchState & { token: string; lifetimeMs: number }>();

  constructor(
    private readonly http: HttpConnection,
    private readonly apiBase: () => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Channels this connector enabled, with the expiry Zoho confirmed. */
  channels(): WatchState[] {
    return [...this.tracked.values()].map(({ channelId, events, notifyUrl, expiresAt }) => ({
      channelId,
      events,
      notifyUrl,
      expiresAt,
    }));
  }

  async enable(watch: WatchRequest): Promise<WatchState> {
    if (watch.token.length > 50) throw new AppError('E_INVALID_INPUT', 'A Zoho watch token is at most 50 characters.');
    const lifetimeMs = Math.min(watch.lifetimeMs ?? weekMs, weekMs);
    const expiresAt = await this.send('POST', {
      channel_id: watch.channelId,
      events: watch.events,
      notify_url: watch.notifyUrl,
      token: watch.token,
      channel_expiry: this.expiry(lifetimeMs),
    });
    this.tracked.set(watch.channelId, { ...watch, lifetimeMs, expiresAt });
    return { channelId: watch.channelId, events: watch.events, notifyUrl: watch.notifyUrl, expiresAt };
  }

  /** PATCH a new expiry; Zoho answers NOT_SUBSCRIBED when the channel already lapsed. */
  async renew(channelId: string): Promise<WatchState> {
    const channel = this.tracked.get(channelId);
    if (!channel)
      throw new AppError('E_NOT_FOUND', `No Zoho watch channel ${channelId} was enabled by this connection.`);
    channel.expiresAt = await this.send('PATCH', {
      channel_id: channelId,
      events: channel.events,
      channel_expiry: this.expiry(channel.lifetimeMs),
    });
    return this.channels().find((state) => state.channelId === channelId)!;
  }

  /** Renews every channel expiring within `withinMs`; re-enables channels that already lapsed. */
  async renewDue(withinMs = 3600_000): Promise<string[]> {
    const renewed: string[] = [];
    for (const channel of [...this.tracked.values()]) {
      if (channel.expiresAt - this.now() > withinMs) continue;
      if (channel.expiresAt <= this.now()) await this.enable(channel);
      else await this.renew(channel.channelId);
      renewed.push(channel.channelId);
    }
    return renewed;
  }

  async disable(channelIds: string[] = [...this.tracked.keys()]): Promise<void> {
    if (channelIds.length === 0) return;
    const response = await this.http.request({
      method: 'DELETE',
      url: `${await this.apiBase()}/crm/v8/actions/watch?${new URLSearchParams({ channel_ids: channelIds.join(',') })}`,
      expect: 'json',
    });
    // 400 NOT_SUBSCRIBED means the channel is already gone, which is what we want.
    if (response.status > 400)
      throw new AppError('E_REMOTE', `Zoho refused to disable the watch (HTTP ${response.status}).`);
    channelIds.forEach((id) => this.tracked.delete(id));
  }

  private expiry(lifetimeMs: number): string {
    // A minute short of the asked lifetime so clock skew never pushes it past Zoho's one-week cap.
    return new Date(this.now() + lifetimeMs - 60_000).toISOString().slice(0, 19) + '+00:00';
  }

  private async send(method: 'POST' | 'PATCH', watch: Record<string, unknown>): Promise<number> {
    const response = await this.http.request({
      method,
      url: `${await this.apiBase()}/crm/v8/actions/watch`,
      json: { watch: [watch] },
      expect: 'json',
    });
    const answer = (
      (response.data ?? {}) as {
        watch?: Array<{
          status?: string;
          code?: string;
          message?: string;
          details?: { events?: Array<{ channel_expiry?: string }> };
        }>;
      }
    ).watch?.[0];
    if (!answer || answer.status !== 'success') {
      throw new AppError(
        'E_REMOTE',
        `Zoho refused the watch channel ${String(watch.channel_id)}: ${answer?.code ?? `HTTP ${response.status}`} ${answer?.message ?? ''}`.trim(),
        { code: answer?.code },
      );
    }
    const expiry = Date.parse(answer.details?.events?.[0]?.channel_expiry ?? '');
    return Number.isFinite(expiry) ? expiry : this.now() + 3600_000;
  }
}

export type NotificationCheck =
  | { ok: true; module: string; ids: string[]; operation: string; channelId: string; affectedFields: string[] }
  | { ok: false; reason: string };

/**
 * Checks a callback body: it must name a channel we know and carry that
 * channel's token (compared in constant time); returns the changed ids.
 */
export function verifyZohoNotification(
  body: unknown,
  expected: { channelId: string; token: string } | Array<{ channelId: string; token: string }>,
): NotificationCheck {
  if (typeof body !== 'object' || body === null)
    return { ok: false, reason: 'The notification body is not a JSON object.' };
  const payload = body as {
    channel_id?: unknown;
    token?: unknown;
    module?: unknown;
    ids?: unknown;
    operation?: unknown;
    affected_fields?: unknown;
  };
  const channelId = payload.channel_id === undefined ? '' : String(payload.channel_id);
  const channel = (Array.isArray(expected) ? expected : [expected]).find(
    (candidate) => candidate.channelId === channelId,
  );
  if (!channel) return { ok: false, reason: `Unknown watch channel ${channelId || '(none)'}.` };
  const given = Buffer.from(typeof payload.token === 'string' ? payload.token : '');
  const wanted = Buffer.from(channel.token);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return { ok: false, reason: 'The notification token does not match the channel.' };
  if (typeof payload.module !== 'string' || !Array.isArray(payload.ids))
    return { ok: false, reason: 'The notification has no module or ids.' };
  // Zoho ids are 19 digits, past 2^53: sent as JSON numbers they arrive rounded, naming other records.
  if (payload.ids.some((id) => typeof id === 'number' && !Number.isSafeInteger(id)))
    return {
      ok: false,
      reason: 'The notification carries record ids as JSON numbers too large to be exact; ids must be strings.',
    };
  return {
    ok: true,
    module: payload.module,
    ids: payload.ids.map(String),
    operation: typeof payload.operation === 'string' ? payload.operation : 'unknown',
    channelId,
    affectedFields: Array.isArray(payload.affected_fields) ? payload.affected_fields.map(String) : [],
  };
}
