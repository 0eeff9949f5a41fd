import { randomBytes, randomInt } from 'node:crypto';
import type { Flow } from '../../../shared/domain/flow';
import type { Run } from '../../../shared/domain/run';
import { errorMessage } from '../../../shared/errors';
import { verifyZohoNotification } from '../connectors/zoho/zoho-notifications';
import { ZohoConnector } from '../connectors/zoho/zoho.connector';
import type { EngineDeps } from '../sync/engine-deps';
import { syncTargetKeys } from '../sync/targeted-sync';
import { registerSecret } from '../util/redact';
import type { Logger } from '../util/log';
import type { MetricsBook } from './serve-metrics';

export interface ReceiverOptions {
  deps: EngineDeps;
  flows: Flow[];
  /** Zoho connections that are sandboxes may be told a loopback URL; real ones need a public one. */
  sandboxConnections: Set<string>;
  /** The URL Zoho calls (`--notify-url`); default for sandboxes: this daemon's own `/zoho/notify`. */
  notifyUrl?: string;
  localUrl: string;
  isRunning(flowId: string): boolean;
  onRun(run: Run): void;
  metrics: MetricsBook;
  log: Logger;
  /** Wanted channel lifetime (Zoho allows at most a week). */
  lifetimeMs?: number;
  /** How often renewal is checked; channels expiring within `renewWithinMs` are renewed. */
  renewEveryMs?: number;
  renewWithinMs?: number;
}

interface Channel {
  channelId: string;
  token: string;
  connectionId: string;
  connector: ZohoConnector;
}

/**
 * Zoho → daemon notifications: one watch channel per Zoho target connection on
 * the modules the bundle's flows write, renewed before expiry. A callback must
 * name a known channel and carry its token; the ids it lists are queued and
 * re-asserted by a targeted sync once the flow is not running — which writes
 * only records whose target values drifted, so echoes of the engine's own
 * writes cost one lookup and no write.
 */
export class ZohoReceiver {
  private readonly channels: Channel[] = [];
  private readonly pending = new Map<string, Set<string>>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ReceiverOptions) {}

  async start(): Promise<void> {
    const byConnection = new Map<string, Set<string>>();
    for (const flow of this.options.flows) {
      const modules = byConnection.get(flow.target.connectionId) ?? new Set<string>();
      modules.add(flow.target.entity);
      byConnection.set(flow.target.connectionId, modules);
    }
    for (const [connectionId, modules] of byConnection) {
      const connector = await this.options.deps.connectors.open(connectionId).catch(() => undefined);
      if (!(connector instanceof ZohoConnector)) {
        await connector?.close();
        continue;
      }
      const notifyUrl =
        this.options.notifyUrl ??
        (this.options.sandboxConnections.has(connectionId) ? `${this.options.localUrl}/zoho/notify` : undefined);
      if (!notifyUrl) {
        this.options.log.info(
          'zoho notifications off: pass --notify-url with a public https URL that reaches this daemon',
          { connection: connectionId },
        );
        await connector.close();
        continue;
      }
      const channel: Channel = {
        channelId: `${Date.now()}${randomInt(100_000, 999_999)}`,
        token: randomBytes(24).toString('base64url'),
        connectionId,
        connector,
      };
      registerSecret(channel.token);
      try {
        const state = await connector.watch.enable({
          channelId: channel.channelId,
          events: [...modules].map((module) => `${module}.edit`),
          notifyUrl,
          token: channel.token,
          lifetimeMs: this.options.lifetimeMs,
        });
        this.channels.push(channel);
        this.options.log.info('zoho watch channel enabled', {
          connection: connectionId,
          channel: channel.channelId,
          modules: [...modules],
          expiresAt: new Date(state.expiresAt).toISOString(),
        });
      } catch (error) {
        this.options.log.warn('zoho watch channel not enabled; scheduled syncs continue', {
          connection: connectionId,
          error: errorMessage(error),
        });
        await connector.close();
      }
    }
    this.options.metrics.notifications.channels = this.channels.length;
    if (this.channels.length > 0) {
      // Chained so a slow renewal never overlaps the next check, and `stop` can wait for it before disabling.
      this.timer = setInterval(
        () => {
          this.renewing = this.renewing.then(() => this.renew());
        },
        this.options.renewEveryMs ?? 15 * 60_000,
      );
      this.timer.unref();
    }
  }

  /** Handles one callback body; answers the HTTP status to send. */
  receive(body: unknown): { status: number; message: string } {
    this.options.metrics.notifications.received += 1;
    const check = verifyZohoNotification(
      body,
      this.channels.map(({ channelId, token }) => ({ channelId, token })),
    );
    if (!check.ok) {
      this.options.metrics.notifications.rejected += 1;
      this.options.log.warn('zoho notification rejected', { reason: check.reason });
      return { status: 403, message: check.reason };
    }
    const channel = this.channels.find((candidate) => candidate.channelId === check.channelId)!;
    const flows = this.options.flows.filter(
      (flow) => flow.target.connectionId === channel.connectionId && flow.target.entity === check.module,
    );
    for (const flow of flows) {
      const keys = this.pending.get(flow.id) ?? new Set<string>();
      for (const id of check.ids) keys.add(id);
      this.pending.set(flow.id, keys);
    }
    this.options.log.info('zoho notification accepted', {
      module: check.module,
      operation: check.operation,
      ids: check.ids.length,
    });
    this.drainSoon();
    return { status: 200, message: 'ok' };
  }

  /** Queued targeted syncs, run one after another when their flow is idle. */
  private drainSoon(): void {
    this.queue = this.queue.then(async () => {
      for (const [flowId, keys] of [...this.pending]) {
        if (this.stopped) return;
        if (this.options.isRunning(flowId)) {
          // Try again shortly; the running pass may have written these very records.
          setTimeout(() => this.drainSoon(), 1_000).unref();
          continue;
        }
        this.pending.delete(flowId);
        const run = await syncTargetKeys(this.options.deps, flowId, [...keys], 'notification').catch(
          (error: unknown) => {
            this.options.log.warn('targeted sync failed', { flow: flowId, error: errorMessage(error) });
            return undefined;
          },
        );
        if (run) {
          this.options.metrics.notifications.targetedSyncs += 1;
          this.options.onRun(run);
        } else this.options.metrics.notifications.echoes += 1;
      }
    });
  }

  async renew(): Promise<void> {
    for (const channel of this.channels) {
      if (this.stopped) return;
      try {
        const renewed = await channel.connector.watch.renewDue(this.options.renewWithinMs ?? 24 * 3600_000);
        const expiresAt = channel.connector.watch
          .channels()
          .find((state) => state.channelId === channel.channelId)?.expiresAt;
        if (renewed.length > 0)
          this.options.log.info('zoho watch channel renewed', {
            channel: channel.channelId,
            ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt).toISOString() }),
          });
      } catch (error) {
        this.options.log.warn('zoho watch renewal failed; retrying at the next check', {
          channel: channel.channelId,
          error: errorMessage(error),
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.renewing;
    await this.queue.catch(() => undefined);
    for (const channel of this.channels) {
      await channel.connector.watch.disable([channel.channelId]).catch(() => undefined);
      await channel.connector.close().catch(() => undefined);
    }
  }
}
