import type { SandboxServer, SimulatorContext } from '../kit';
import { zohoModuleByName } from './zoho-modules';
import { formatZohoDateTime } from './zoho-values';

/**
 * `/crm/v8/actions/watch` (API-FACTS §2.6): channels with events like
 * `Accounts.all`, an expiry of at most one week (omitted or longer → one
 * hour), renewal by PATCH, and callbacks carrying the channel's token.
 */
export interface WatchChannel {
  channel_id: string;
  events: string[];
  token: string | null;
  notify_url: string;
  expiresAt: number;
}

export interface ZohoNotification {
  server_time: number;
  module: string;
  resource_uri: string;
  ids: string[];
  affected_fields: string[];
  operation: 'insert' | 'update' | 'delete';
  channel_id: string;
  token: string | null;
  query_params: Record<string, string>;
}

const weekMs = 7 * 24 * 3600_000;
const hourMs = 3600_000;

export class ZohoWatch {
  private readonly channels = new Map<string, WatchChannel>();
  readonly sent: ZohoNotification[] = [];

  constructor(
    private readonly server: SandboxServer,
    private readonly offset: string,
    /** Deliver callbacks to loopback notify URLs over HTTP (the receiver side is tested elsewhere). */
    private readonly deliver: boolean,
    /** Tests: the longest lifetime granted; longer asks are shortened to it, so renewal can run in seconds. */
    private readonly lifetimeCapMs?: number,
  ) {}

  active(): WatchChannel[] {
    const now = this.server.clock.now();
    return [...this.channels.values()].filter((channel) => channel.expiresAt > now);
  }

  register(authorize: (context: SimulatorContext) => string | undefined): void {
    const handler = (context: SimulatorContext) => {
      if (!authorize(context)) return;
      return this.handle(context);
    };
    this.server.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      pattern: '/crm/v8/actions/watch',
      name: 'Zoho watch',
      handler,
    });
  }

  /** Records changed: queue (and deliver) one callback per channel watching the module and operation. */
  notify(module: string, operation: 'insert' | 'update', ids: string[], fields: string[]): void {
    for (const channel of this.active()) {
      const wanted = channel.events.some(
        (event) => event === `${module}.all` || event === `${module}.${operation === 'insert' ? 'create' : 'edit'}`,
      );
      if (!wanted) continue;
      const notification: ZohoNotification = {
        server_time: this.server.clock.now(),
        module,
        resource_uri: `${this.server.url}/crm/v8/${module}`,
        ids,
        affected_fields: fields,
        operation,
        channel_id: channel.channel_id,
        token: channel.token,
        query_params: {},
      };
      this.sent.push(notification);
      if (this.deliver && /^http:\/\/127\.0\.0\.1[:/]/.test(channel.notify_url)) {
        // A simulator stands in for Zoho's servers, so it may call out; connectors never do this.
        void fetch(channel.notify_url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(notification),
        }).catch(() => undefined);
      }
    }
  }

  private async handle(context: SimulatorContext): Promise<void> {
    const now = context.clock.now();
    if (context.method === 'GET') {
      const watch = this.active().map((channel) => this.describe(channel));
      if (watch.length === 0) return context.empty(204);
      return context.json(200, { watch, info: { per_page: 200, page: 1, count: watch.length, more_records: false } });
    }
    if (context.method === 'DELETE') {
      const ids = (context.query.get('channel_ids') ?? '').split(',').filter(Boolean);
      const answers = ids.map((id) => {
        const existing = this.channels.get(id);
        if (existing && existing.expiresAt <= now) this.server.bump('watchLapsed');
        const existed = this.channels.delete(id);
        if (existed) this.server.bump('watchDisabled');
        return existed
          ? {
              code: 'SUCCESS',
              details: { channel_id: id },
              message: 'Successfully un-subscribed from actions-watch',
              status: 'success',
            }
          : {
              code: 'NOT_SUBSCRIBED',
              details: { channel_id: id },
              message: 'not subscribed for actions-watch of the given module',
              status: 'error',
            };
      });
      return context.json(answers.some((answer) => answer.status === 'success') ? 200 : 400, { watch: answers });
    }
    let body: { watch?: Array<Record<string, unknown>> };
    try {
      body = (await context.body()).json();
    } catch {
      return context.json(400, { code: 'INVALID_DATA', details: {}, message: 'body', status: 'error' });
    }
    const patching = context.method === 'PATCH' || context.method === 'PUT';
    const items = Array.isArray(body.watch) ? body.watch : [];
    const answers = items.map((item, index) => {
      const path = (name: string) => `$.watch[${index}].${name}`;
      const id = item.channel_id === undefined ? undefined : String(item.channel_id);
      if (!id)
        return {
          code: 'MANDATORY_NOT_FOUND',
          details: { api_name: 'channel_id', json_path: path('channel_id') },
          message: 'required field not found',
          status: 'error',
        };
      const existing = this.channels.get(id);
      // A client that lets a channel lapse before renewing it misses notifications; counted so tests can prove it never does.
      if (existing && existing.expiresAt <= now) this.server.bump('watchLapsed');
      if (patching && (!existing || existing.expiresAt <= now)) {
        return {
          code: 'NOT_SUBSCRIBED',
          details: { channel_id: id },
          message: 'not subscribed for actions-watch of the given module',
          status: 'error',
        };
      }
      const events = Array.isArray(item.events) ? item.events.map(String) : (existing?.events ?? []);
      if (events.length === 0)
        return {
          code: 'MANDATORY_NOT_FOUND',
          details: { api_name: 'events', json_path: path('events') },
          message: 'required field not found',
          status: 'error',
        };
      const unknown = events.find(
        (event) => !zohoModuleByName.has(event.split('.')[0] ?? '') || !/\.(all|create|edit|delete)$/.test(event),
      );
      if (unknown)
        return {
          code: 'INVALID_DATA',
          details: { api_name: 'events', json_path: path('events') },
          message: 'invalid data',
          status: 'error',
        };
      const notifyUrl = typeof item.notify_url === 'string' ? item.notify_url : existing?.notify_url;
      if (!notifyUrl)
        return {
          code: 'MANDATORY_NOT_FOUND',
          details: { api_name: 'notify_url', json_path: path('notify_url') },
          message: 'required field not found',
          status: 'error',
        };
      const token = typeof item.token === 'string' ? item.token : (existing?.token ?? null);
      if (token && token.length > 50)
        return {
          code: 'INVALID_DATA',
          details: { maximum_length: 50, api_name: 'token', json_path: path('token') },
          message: 'invalid data',
          status: 'error',
        };
      const asked = typeof item.channel_expiry === 'string' ? Date.parse(item.channel_expiry) : Number.NaN;
      const granted = Number.isFinite(asked) && asked > now && asked - now <= weekMs ? asked : now + hourMs;
      const expiresAt = this.lifetimeCapMs === undefined ? granted : Math.min(granted, now + this.lifetimeCapMs);
      const channel: WatchChannel = { channel_id: id, events, token, notify_url: notifyUrl, expiresAt };
      this.channels.set(id, channel);
      this.server.bump(patching ? 'watchRenewed' : 'watchEnabled');
      return {
        code: 'SUCCESS',
        details: { events: this.describe(channel).events },
        message: patching
          ? 'Successfully updated the subscribe details'
          : 'Successfully subscribed for actions-watch of the given module',
        status: 'success',
      };
    });
    // Statuses as Zoho's OpenAPI gives them (notifications.json): a subscription answers 201, an
    // update 200, and a request with failed items 202 with the per-item errors (400 when none worked).
    const ok = answers.filter((answer) => answer.status === 'success').length;
    return context.json(ok === answers.length ? (patching ? 200 : 201) : ok > 0 || !patching ? 202 : 400, {
      watch: answers,
    });
  }

  private describe(channel: WatchChannel) {
    const expiry = formatZohoDateTime(channel.expiresAt, this.offset);
    return {
      notify_url: channel.notify_url,
      channel_id: channel.channel_id,
      token: channel.token,
      channel_expiry: expiry,
      events: channel.events.map((event) => ({
        resource_name: event.split('.')[0],
        channel_expiry: expiry,
        resource_id: '4150868000000002175',
        resource_uri: `${this.server.url}/crm/v8/${event.split('.')[0]}`,
        channel_id: channel.channel_id,
        // Required by notifications.json (event.notification_condition): none set on this channel.
        notification_condition: [],
      })),
    };
  }
}
