import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Run } from '../../../shared/domain/run';
import { errorMessage } from '../../../shared/errors';
import { answerClientErrors, BodyTooLargeError, guarded, readBody, requestUrl } from '../bridge/http-guard';
import { applyRetention, scheduleRetention } from '../sync/audit-retention';
import { createScheduler } from '../sync/sync.service';
import type { Logger } from '../util/log';
import { openHeadless, type Headless, type HeadlessOptions } from './headless-runtime';
import { Alerter, type AlertSettings } from './alerts';
import { MetricsBook, type FlowStatus, type ServeMetrics } from './serve-metrics';
import { ZohoReceiver } from './zoho-receiver';
import type { QueueSettings } from './queue-connection';
import { startQueueMode, type QueueMode } from './queue-serve';
import { warmMappingPool } from '../mapping/mapping-pool';

export interface ServeOptions extends HeadlessOptions {
  logger: Logger;
  /** 0 = a free port. */
  port?: number;
  /**
   * The address to bind (default 127.0.0.1, this machine only). Containers bind 0.0.0.0 so probes and
   * Prometheus reach it; anything but a loopback address is logged as a warning, since /health and
   * /metrics carry no authentication.
   */
  host?: string;
  /** Webhook / e-mail alerts on failed runs and dead letters (see alerts.ts). */
  alerts?: AlertSettings;
  notifyUrl?: string;
  watchLifetimeMs?: number;
  /** Default: env `MLC_ZOHO_WATCH_RENEW_SECONDS` (see `renewFromEnv`), else every 15 minutes. */
  watchRenewEveryMs?: number;
  /** Default: three renewal intervals when the env sets them, else a day. */
  watchRenewWithinMs?: number;
  /** Queue mode: schedules become BullMQ job schedulers on this Redis instead of croner (queue-serve.ts). */
  queue?: QueueSettings;
  /** Queue mode: false = schedule only, take no jobs here (`--no-work`). */
  work?: boolean;
}

export interface ServeDaemon {
  url: string;
  headless: Headless;
  metrics(): ServeMetrics;
  /** Graceful: no new runs, running ones stop after their current page (checkpointed), channels disabled. */
  stop(): Promise<void>;
  /** Second signal: abort what is in flight. */
  abort(): void;
}

const maxBody = 1024 * 1024;

/**
 * `mlc serve`: the bundle's schedules on croner (no overlaps, missed runs once
 * at start), health, readiness and metrics endpoints (127.0.0.1 unless `host` says otherwise), and the Zoho
 * notification receiver. Logs are JSON lines through the redacting logger.
 */
export async function startServe(options: ServeOptions): Promise<ServeDaemon> {
  const host = options.host ?? '127.0.0.1';
  const headless = await openHeadless(options);
  // Its runs come on schedules: the mapping workers start now, not at the first run's first page.
  void warmMappingPool();
  const { engine, deps, bundle } = headless;
  const log = options.logger;
  // The bundle's flows as installed, and each one's newest run: read once here and kept current after
  // each run, so schedules, /health and metrics answer without a store round trip (PostgreSQL too).
  const flows = await Promise.all(headless.flowIds.map((id) => deps.flows.flow(id)));
  const names = new Map(flows.map((flow) => [flow.id as string, flow.name]));
  const lastRuns = new Map<string, Run>();
  for (const flow of flows) {
    const last = await deps.runs.latestRun(flow.id);
    if (last) lastRuns.set(flow.id, last);
  }
  // Dead letters per flow: counted at start and after each of the flow's runs, not at every scrape.
  const deadLetters = new Map<string, number>();
  const countDeadLetters = async (flowId: string) =>
    void deadLetters.set(flowId, await deps.audit.deadLetterCount(flowId));
  const metrics = new MetricsBook({
    flows: () => flowStatus(),
    deadLetters: (flowId) => deadLetters.get(flowId) ?? 0,
  });
  for (const flow of bundle.flows) {
    metrics.nameFlow(flow.id, flow.name);
    await countDeadLetters(flow.id);
  }
  const soft = new AbortController();
  const hard = new AbortController();
  const bundleFlowIds = new Set(headless.flowIds);
  let receiver: ZohoReceiver | undefined;
  let stopping = false;

  // Audit retention (age, size cap, space given back): now, hourly and after each run.
  const retention = scheduleRetention(() => applyRetention(headless.store), log);
  const alerter = new Alerter(options.alerts ?? {}, log, bundle.name);
  const finished = (run: Run) => {
    lastRuns.set(run.flowId, run);
    metrics.record(run);
    retention.afterRun();
    const name = names.get(run.flowId) ?? run.flowId;
    // The alert waits for the dead-letter count of this run (a threshold alert needs it).
    void countDeadLetters(run.flowId)
      .catch((error: unknown) => log.warn('dead letters not counted', { flow: name, error: errorMessage(error) }))
      .then(() => alerter.afterRun(run, name, deadLetters.get(run.flowId) ?? 0));
    log.info('run finished', {
      flow: name,
      run: run.id,
      trigger: run.trigger,
      status: run.status,
      counters: run.counters,
      calls: run.calls,
      ...(run.error ? { code: run.error.code, error: run.error.message } : {}),
    });
  };

  // Built like every host's scheduler, on the headless engine (bound connectors), for the bundle's flows only.
  const source = { flows: () => flows, lastRunAt: (flowId: string) => lastRuns.get(flowId)?.startedAt };
  const scheduler = createScheduler({ ...deps, log }, source, engine, {
    only: (flow) => bundleFlowIds.has(flow.id),
    runOptions: { signal: hard.signal, stopSignal: soft.signal },
    accepting: () => !stopping,
    onStart: (flowId, trigger) => log.info('run starting', { flow: names.get(flowId) ?? flowId, trigger }),
    onFinished: finished,
  });

  let queue: QueueMode | undefined;
  if (options.queue) {
    try {
      queue = await startQueueMode({
        headless,
        settings: options.queue,
        log,
        env: options.env,
        work: options.work ?? true,
        stopSignal: soft.signal,
        signal: hard.signal,
        onStart: (flowId) => log.info('run starting', { flow: names.get(flowId) ?? flowId }),
        onFinished: finished,
      });
    } catch (error) {
      retention.stop();
      await headless.close();
      throw error;
    }
  }

  const flowStatus = (): FlowStatus[] =>
    bundle.flows.map((flow) => {
      const last = lastRuns.get(flow.id);
      return {
        id: flow.id,
        name: flow.name,
        running: engine.isRunning(flow.id),
        nextRun: (queue ? queue.nextRun(flow.id) : scheduler.nextRun(flow.id)) ?? null,
        lastRun: last ? { id: last.id, status: last.status, trigger: last.trigger, finishedAt: last.finishedAt } : null,
      };
    });

  const send = (response: http.ServerResponse, status: number, body: unknown, type = 'application/json') => {
    const text = type === 'application/json' ? JSON.stringify(body) : String(body);
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };
  const handle = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = requestUrl(request);
    if (!url)
      return send(response, 400, { code: 'E_INVALID_INPUT', error: 'The request path is not a valid URL path.' });
    if (request.method === 'GET' && url.pathname === '/health') {
      return send(response, stopping ? 503 : 200, {
        status: stopping ? 'stopping' : 'ok',
        bundle: { name: bundle.name, contentHash: bundle.contentHash },
        uptimeSeconds: Math.round((Date.now() - metrics.startedAt.getTime()) / 1000),
        flows: flowStatus(),
      });
    }
    if (request.method === 'GET' && url.pathname === '/ready') {
      // Ready = can take work: not stopping, Redis answers (queue mode), and the store answers a query.
      if (stopping) return send(response, 503, { status: 'stopping' });
      if (queue && !(await queue.reachable())) {
        log.warn('redis did not answer the readiness check');
        return send(response, 503, { status: 'unavailable', queue: { error: 'Redis did not answer; see the log.' } });
      }
      try {
        const schemaVersion = await answerWithin(headless.store.schemaVersion(), readyTimeoutMs);
        return send(response, 200, {
          status: 'ready',
          store: { kind: headless.store.kind, schemaVersion },
          ...(queue ? { queue: { reachable: true } } : {}),
        });
      } catch (error) {
        log.warn('store unreachable', { error: errorMessage(error) });
        return send(response, 503, {
          status: 'unavailable',
          store: { error: 'The store did not answer; see the log.' },
        });
      }
    }
    if (request.method === 'GET' && url.pathname === '/metrics') {
      const { text, contentType } = await metrics.prometheus();
      return send(response, 200, text, contentType);
    }
    if (request.method === 'GET' && url.pathname === '/metrics.json')
      return send(response, 200, metrics.snapshot(flowStatus()));
    if (request.method === 'POST' && url.pathname === '/zoho/notify') {
      let raw: Buffer;
      try {
        raw = await readBody(request, maxBody);
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          return send(response, 413, {
            code: 'E_INVALID_INPUT',
            error: 'The body is larger than 1 MiB; a Zoho notification is far smaller.',
          });
        return send(response, 400, { code: 'E_INVALID_INPUT', error: 'The body could not be read completely.' });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(response, 400, { code: 'E_INVALID_INPUT', error: 'The body is not JSON.' });
      }
      if (!receiver) return send(response, 404, { error: 'Notifications are not enabled.' });
      const answer = receiver.receive(body);
      return send(response, answer.status, answer.status === 200 ? { ok: true } : { error: answer.message });
    }
    send(response, 404, { error: 'Not found. Try /health, /ready, /metrics or /metrics.json.' });
  };
  const server = http.createServer(
    guarded(handle, (response, error) => {
      log.error('request failed', { error: errorMessage(error) });
      send(response, 500, {
        code: 'E_INTERNAL',
        error: 'The daemon failed to answer this request and keeps running; see its log.',
      });
    }),
  );
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // The URL this process reaches itself on (the Zoho sandbox callback): loopback when bound to all interfaces.
  const url = `http://${urlHost(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${port}`;
  if (!isLoopback(host))
    log.warn('listening beyond this machine', {
      host,
      port,
      advice:
        '/health, /ready and /metrics answer anyone who can reach this address, without authentication; keep it on a private network or behind a proxy.',
    });

  const zohoFlows = bundle.flows.filter(
    (flow) => headless.bound.find((connection) => connection.id === flow.target.connectionId)?.system === 'zoho',
  );
  if (zohoFlows.length > 0) {
    receiver = new ZohoReceiver({
      deps,
      flows: flows.filter((flow) => zohoFlows.some((zoho) => zoho.id === flow.id)),
      sandboxConnections: new Set(
        headless.bound.filter((connection) => connection.sandbox).map((connection) => connection.id),
      ),
      notifyUrl: options.notifyUrl,
      localUrl: url,
      isRunning: (flowId) => engine.isRunning(flowId),
      onRun: finished,
      metrics,
      log,
      lifetimeMs: options.watchLifetimeMs,
      renewEveryMs: options.watchRenewEveryMs ?? renewFromEnv(options.env)?.everyMs,
      renewWithinMs: options.watchRenewWithinMs ?? renewFromEnv(options.env)?.withinMs,
    });
    await receiver.start();
  }
  // Queue mode: BullMQ's schedulers fire instead (a slot missed while nothing ran is added once).
  if (!queue) scheduler.start({ catchUp: true });
  log.info('serving', {
    url,
    bundle: bundle.name,
    flows: bundle.flows.map((flow) => ({
      name: flow.name,
      schedule: flow.schedule,
      nextRun: (queue ? queue.nextRun(flow.id) : scheduler.nextRun(flow.id)) ?? null,
    })),
  });

  let stopped: Promise<void> | undefined;
  return {
    url,
    headless,
    metrics: () => metrics.snapshot(flowStatus()),
    abort: () => hard.abort(),
    stop() {
      stopped ??= (async () => {
        stopping = true;
        log.info('stopping: no new runs; running ones finish their current batch');
        scheduler.stop();
        retention.stop();
        soft.abort();
        await queue?.close();
        await engine.drain();
        await receiver?.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await headless.close();
        await alerter.settle();
        log.info('stopped', { runs: metrics.runs.total });
      })();
      return stopped;
    },
  };
}

/** How long /ready waits for the store: a probe's own timeout is a few seconds, and a hung store is not ready. */
const readyTimeoutMs = 2_000;

/** The promise's answer, or a rejection once `ms` passed without one. */
async function answerWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * `MLC_ZOHO_WATCH_RENEW_SECONDS=N`: check channels every N seconds and renew
 * those expiring within 3·N, leaving two checks of slack. For tests against a
 * sandbox that grants short channels; `--watch-lifetime` takes precedence.
 */
function renewFromEnv(env: NodeJS.ProcessEnv): { everyMs: number; withinMs: number } | undefined {
  const seconds = Number(env.MLC_ZOHO_WATCH_RENEW_SECONDS);
  if (!env.MLC_ZOHO_WATCH_RENEW_SECONDS || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return { everyMs: seconds * 1000, withinMs: seconds * 3000 };
}
