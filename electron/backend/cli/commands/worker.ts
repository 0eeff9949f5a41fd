import { parseArgs } from 'node:util';
import { errorMessage } from '../../../../shared/errors';
import { Alerter, alertSettingsFromEnv } from '../../runtime/alerts';
import { storeUrlFrom } from '../../store/store-url';
import { envValue } from '../../util/env-value';
import { openHeadless, type Headless } from '../../runtime/headless-runtime';
import { queueSettings, redisConnection, safeQueueUrl } from '../../runtime/queue-connection';
import { startQueueWorker } from '../../runtime/queue-worker';
import { createLogger, type LogLevel } from '../../util/log';
import { exitCodes, type Command } from '../command';
import { headlessOptions, reportError } from './run';
import { warmMappingPool } from '../../mapping/mapping-pool';

const usage = `mlc worker BUNDLE --queue REDIS_URL [--concurrency N] [--store URL] [--secrets FILE] [--no-keyring]

  Runs the bundle's flows as BullMQ jobs from Redis (queue mode): \`mlc serve --queue\`
  keeps one job scheduler per scheduled flow, and any number of workers, on any
  number of machines, take the jobs. Give every worker the same bundle and store
  (--store or MLC_STORE_URL, a PostgreSQL store shared by all machines; workers on
  one machine can share one data folder, MLC_HOME).

  One run per flow across all workers (the store's run lease): a job that finds its
  flow running elsewhere is recorded as a skipped run. A failed run is retried with
  exponential backoff. A killed worker's job is taken by another worker once its lock
  lapses, and that worker takes over the dead run's lease once it expires; the run
  resumes from its last committed page.

  SIGTERM or Ctrl+C: no new jobs; running flows stop after their current page, which
  is committed with its checkpoint, and their jobs go back to the queue; a second
  signal aborts (the jobs go back all the same).

  --queue URL        redis://[:PASSWORD@]HOST:PORT[/DB] (default MLC_QUEUE_URL, or the file
                     MLC_QUEUE_URL_FILE names: a mounted secret)
  --concurrency N    jobs at once in this process (default: one per flow of the bundle)
  --store URL        the shared store (default MLC_STORE_URL or MLC_STORE_URL_FILE, else the
                     data folder)
  --secrets FILE     settings/secrets file (see \`mlc help run\`)
  --no-keyring       do not ask the OS keyring for missing secrets

  Environment: MLC_QUEUE_NAME (default mlc-runs), MLC_QUEUE_ATTEMPTS (tries of a failed
  run, default 3), MLC_QUEUE_BACKOFF_MS (first retry wait, doubling, default 30000),
  MLC_QUEUE_LOCK_MS (job lock, default 30000), MLC_QUEUE_STALLED_MS (stalled-job check,
  default the lock), MLC_LOG_LEVEL. Logs are JSON lines on stderr, without secrets.
  Alerts on failed runs and dead letters as for \`mlc serve\` (MLC_ALERT_*, MLC_SMTP_*).

  Exit codes: 0 stopped cleanly, 2 usage, 3 invalid bundle, 4 secrets missing.`;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run a bundle’s flows as jobs from a BullMQ queue on Redis (queue mode; scale out with more workers).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        queue: { type: 'string' },
        concurrency: { type: 'string' },
        store: { type: 'string' },
        secrets: { type: 'string' },
        'no-keyring': { type: 'boolean', default: false },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const file = positionals[0];
    if (values.help || !file || positionals.length > 1) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    let url: string | undefined;
    try {
      url = values.queue ?? envValue(io.env, 'MLC_QUEUE_URL');
    } catch (error) {
      return reportError(io, error);
    }
    if (!url) {
      io.err('mlc worker: give the Redis queue with --queue redis://HOST:6379, MLC_QUEUE_URL or MLC_QUEUE_URL_FILE.');
      return exitCodes.usage;
    }
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100)) {
      io.err('mlc worker: --concurrency takes a whole number from 1 to 100.');
      return exitCodes.usage;
    }
    const logger = createLogger((io.env.MLC_LOG_LEVEL as LogLevel | undefined) ?? 'info');
    let headless: Headless;
    let settings;
    let alerter: Alerter;
    try {
      settings = queueSettings(url, io.env);
      const alerts = alertSettingsFromEnv(io.env);
      const storeUrl = storeUrlFrom(values.store, io.env);
      headless = await openHeadless({
        ...headlessOptions(file, { secrets: values.secrets, keyring: !values['no-keyring'] }, io),
        storeUrl,
        logger,
      });
      // Jobs come at any time: the mapping workers start now, not at the first job's first page.
      void warmMappingPool();
      // Runs end in workers: they alert (failed runs, dead letters), as `mlc serve` does for its own runs.
      alerter = new Alerter(alerts, logger, headless.bundle.name);
    } catch (error) {
      return reportError(io, error);
    }
    const names = new Map(headless.bundle.flows.map((flow) => [flow.id as string, flow.name]));
    const connection = redisConnection(settings, (error) =>
      logger.warn('redis connection error; reconnecting', { error: errorMessage(error) }),
    );
    const soft = new AbortController();
    const hard = new AbortController();
    const worker = startQueueWorker({
      headless,
      settings,
      connection,
      env: io.env,
      log: logger,
      stopSignal: soft.signal,
      signal: hard.signal,
      concurrency,
      onStart: (flowId) => logger.info('run starting', { flow: names.get(flowId) ?? flowId }),
      onFinished: (run) => {
        const flow = names.get(run.flowId) ?? run.flowId;
        logger.info('run finished', {
          flow,
          run: run.id,
          status: run.status,
          counters: run.counters,
          ...(run.resumedFrom ? { resumedFrom: run.resumedFrom } : {}),
          ...(run.error ? { code: run.error.code, error: run.error.message } : {}),
        });
        // The alert waits for the dead-letter count of this run (a threshold alert needs it).
        void headless.deps.audit
          .deadLetterCount(run.flowId)
          .then((count) => alerter.afterRun(run, flow, count))
          .catch((error: unknown) => logger.warn('dead letters not counted', { flow, error: errorMessage(error) }));
      },
    });
    await worker.waitUntilReady();
    io.out(JSON.stringify({ event: 'working', queue: safeQueueUrl(url), name: settings.name, pid: process.pid }));
    let signals = 0;
    await new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) return hard.abort();
        logger.info('signal received: no new jobs; running flows stop after their current page', { signal });
        soft.abort();
        void (async () => {
          try {
            await worker.close();
          } catch (error) {
            logger.warn('the worker did not close cleanly', { error: errorMessage(error) });
          }
          connection.disconnect();
          await headless.close();
          await alerter.settle();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          logger.info('stopped');
          resolve();
        })();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    return exitCodes.ok;
  },
};
