import { isIP } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { alertSettingsFromEnv } from '../../runtime/alerts';
import { envValue } from '../../util/env-value';
import { queueSettings } from '../../runtime/queue-connection';
import { startServe } from '../../runtime/serve-daemon';
import { createLogger, type LogLevel } from '../../util/log';
import { exitCodes, type Command } from '../command';
import { headlessOptions, headlessSettingKeys, reportError } from './run';

const usage = `mlc serve BUNDLE [--host ADDR] [--port N] [--secrets FILE] [--notify-url URL] [--watch-lifetime S] [--no-keyring] [--store URL]
          [--queue REDIS_URL [--no-work]]

  Runs the bundle's flows on their schedules until stopped: never two runs of a
  flow at once, runs missed while stopped run once at start. Serves on 127.0.0.1
  (--host or MLC_HOST to bind elsewhere, e.g. 0.0.0.0 in a container):

    GET  /health        liveness: status, bundle, each flow's last and next run (503 while stopping)
    GET  /ready         readiness: 200 when the store (and Redis, in queue mode) answers, 503 while
                        stopping or when it does not
    GET  /metrics       Prometheus (prom-client): process metrics; per flow runs by status, run
                        duration histogram, records by outcome, API calls vs their minimum, last
                        success time, dead letters waiting, running, next run
    GET  /metrics.json  the same as JSON
    POST /zoho/notify   Zoho CRM notifications (channel token checked): re-asserts
                        the notified records the bundle's flows wrote, when they drifted

  Zoho watch channels are enabled for the Zoho modules the flows write (sandbox
  connections: this daemon's own URL; real ones need --notify-url, a public https
  URL forwarding to /zoho/notify) and renewed before they expire.

  SIGTERM or Ctrl+C: no new runs; running ones stop after their current batch,
  which is committed with its checkpoint; a second signal aborts. Logs are JSON
  lines on stderr (MLC_LOG_LEVEL=debug|info|warn|error, default info), without secrets.

  --host ADDR         address to bind (default MLC_HOST, else 127.0.0.1); any other than a loopback
                      address is logged as a warning: the endpoints have no authentication
  --port N            port (default MLC_PORT, else a free one, printed at start)
  --secrets FILE      settings/secrets file (see \`mlc help run\`)
  --notify-url URL    where Zoho sends notifications
  --watch-lifetime S  Zoho channel lifetime in seconds (default 604800, a week)
  --no-keyring        do not ask the OS keyring for missing secrets
  --store URL         a PostgreSQL store (postgres://USER:PASSWORD@HOST:5432/DB), default
                      MLC_STORE_URL, else the data folder's SQLite store; /ready checks it
  --queue URL         queue mode (default MLC_QUEUE_URL, or the file MLC_QUEUE_URL_FILE names):
                      the schedules become BullMQ job schedulers on this Redis
                      (redis://[:PASSWORD@]HOST:PORT[/DB]) instead of croner; \`mlc worker\`
                      processes take the jobs (see \`mlc help worker\`); /ready also checks that
                      Redis answers. Schedulers of flows not in the bundle are removed.
  --no-work           queue mode: schedule only; this process takes no jobs

  Alerts (environment; each *_URL, *_HOST, *_USER, *_PASSWORD also reads NAME_FILE, a mounted secret):
    MLC_ALERT_WEBHOOK_URL   POST a JSON summary when a run fails or dead letters pass the threshold
                            (retried with backoff on 429/5xx/network errors)
    MLC_ALERT_DEAD_LETTERS  alert when a flow's dead letters rise above N (once per crossing)
    MLC_SMTP_HOST, MLC_SMTP_PORT (587), MLC_SMTP_SECURE (true for 465), MLC_SMTP_USER,
    MLC_SMTP_PASSWORD, MLC_ALERT_EMAIL_FROM, MLC_ALERT_EMAIL_TO (comma-separated): the same by e-mail
  Summaries name the bundle, flow, run, counts and a cleaned error (no records, values or links).

  Exit codes: 0 stopped cleanly, 3 invalid bundle, 4 secrets missing.`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run a bundle on its schedules as a daemon, with /health, /ready, /metrics and the Zoho receiver.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        secrets: { type: 'string' },
        store: { type: 'string' },
        'notify-url': { type: 'string' },
        'watch-lifetime': { type: 'string' },
        'no-keyring': { type: 'boolean', default: false },
        queue: { type: 'string' },
        'no-work': { type: 'boolean', default: false },
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
    const portText = values.port ?? io.env.MLC_PORT;
    const port = portText === undefined || portText === '' ? 0 : Number(portText);
    const host = values.host ?? (io.env.MLC_HOST || '127.0.0.1');
    if (!isIP(host) && host !== 'localhost') {
      io.err(
        `mlc serve: --host (or MLC_HOST) takes an IP address such as 127.0.0.1 or 0.0.0.0, not ${JSON.stringify(host)}.`,
      );
      return exitCodes.usage;
    }
    const lifetime = values['watch-lifetime'] === undefined ? undefined : Number(values['watch-lifetime']);
    if (
      !Number.isInteger(port) ||
      port < 0 ||
      port > 65535 ||
      (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 120 || lifetime > 604_800))
    ) {
      io.err('mlc serve: --port takes 0–65535 and --watch-lifetime 120–604800 seconds.');
      return exitCodes.usage;
    }
    if (values['notify-url'] !== undefined && !/^https:\/\/|^http:\/\/127\.0\.0\.1[:/]/.test(values['notify-url'])) {
      io.err('mlc serve: --notify-url must be an https URL (or http://127.0.0.1 for sandboxes).');
      return exitCodes.usage;
    }
    let queueUrl: string | undefined;
    try {
      queueUrl = values.queue ?? envValue(io.env, 'MLC_QUEUE_URL');
    } catch (error) {
      return reportError(io, error);
    }
    if (values['no-work'] && !queueUrl) {
      io.err('mlc serve: --no-work only means something in queue mode (--queue or MLC_QUEUE_URL).');
      return exitCodes.usage;
    }
    const logger = createLogger((io.env.MLC_LOG_LEVEL as LogLevel | undefined) ?? 'info');
    let daemon;
    try {
      const alerts = alertSettingsFromEnv(io.env);
      const queue = queueUrl ? queueSettings(queueUrl, io.env) : undefined;
      daemon = await startServe({
        alerts,
        ...headlessOptions(file, { secrets: values.secrets, keyring: !values['no-keyring'], store: values.store }, io),
        logger,
        port,
        host,
        notifyUrl: values['notify-url'],
        watchLifetimeMs: lifetime === undefined ? undefined : lifetime * 1000,
        watchRenewEveryMs: lifetime === undefined ? undefined : Math.min(15 * 60_000, (lifetime * 1000) / 4),
        watchRenewWithinMs: lifetime === undefined ? undefined : Math.min(24 * 3600_000, (lifetime * 1000) / 2),
        queue,
        work: !values['no-work'],
      });
    } catch (error) {
      return reportError(io, error);
    }
    const { settings } = daemon.headless.backend.context.store;
    settings.set(headlessSettingKeys.bundle, path.resolve(file));
    if (values.secrets) settings.set(headlessSettingKeys.secrets, path.resolve(values.secrets));
    io.out(
      JSON.stringify({
        event: 'listening',
        url: daemon.url,
        health: `${daemon.url}/health`,
        ready: `${daemon.url}/ready`,
        metrics: `${daemon.url}/metrics`,
      }),
    );
    let signals = 0;
    await new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals === 1) {
          logger.info('signal received', { signal });
          void daemon.stop().then(() => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            resolve();
          });
        } else daemon.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    return exitCodes.ok;
  },
};
