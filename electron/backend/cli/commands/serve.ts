import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServe } from '../../runtime/serve-daemon';
import { createLogger, type LogLevel } from '../../util/log';
import { exitCodes, type Command } from '../command';
import { headlessOptions, headlessSettingKeys, reportError } from './run';

const usage = `mlc serve BUNDLE [--port N] [--secrets FILE] [--notify-url URL] [--watch-lifetime S] [--no-keyring]

  Runs the bundle's flows on their schedules until stopped: never two runs of a
  flow at once, runs missed while stopped run once at start. Serves on 127.0.0.1:

    GET  /health        status, bundle, each flow's last and next run (503 while stopping)
    GET  /metrics       Prometheus text: runs, records, failures, calls, next run
    GET  /metrics.json  the same as JSON
    POST /zoho/notify   Zoho CRM notifications (channel token checked): re-asserts
                        the notified records the bundle's flows wrote, when they drifted

  Zoho watch channels are enabled for the Zoho modules the flows write (sandbox
  connections: this daemon's own URL; real ones need --notify-url, a public https
  URL forwarding to /zoho/notify) and renewed before they expire.

  SIGTERM or Ctrl+C: no new runs; running ones stop after their current batch,
  which is committed with its checkpoint; a second signal aborts. Logs are JSON
  lines on stderr (MLC_LOG_LEVEL=debug|info|warn|error, default info), without secrets.

  --port N            port on 127.0.0.1 (default: a free one, printed at start)
  --secrets FILE      settings/secrets file (see \`mlc help run\`)
  --notify-url URL    where Zoho sends notifications
  --watch-lifetime S  Zoho channel lifetime in seconds (default 604800, a week)
  --no-keyring        do not ask the OS keyring for missing secrets

  Exit codes: 0 stopped cleanly, 3 invalid bundle, 4 secrets missing.`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run a bundle on its schedules as a daemon, with /health, /metrics and the Zoho receiver.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        secrets: { type: 'string' },
        'notify-url': { type: 'string' },
        'watch-lifetime': { type: 'string' },
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
    const port = values.port === undefined ? 0 : Number(values.port);
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
    const logger = createLogger((io.env.MLC_LOG_LEVEL as LogLevel | undefined) ?? 'info');
    let daemon;
    try {
      daemon = await startServe({
        ...headlessOptions(file, { secrets: values.secrets, keyring: !values['no-keyring'] }, io),
        logger,
        port,
        notifyUrl: values['notify-url'],
        watchLifetimeMs: lifetime === undefined ? undefined : lifetime * 1000,
        watchRenewEveryMs: lifetime === undefined ? undefined : Math.min(15 * 60_000, (lifetime * 1000) / 4),
        watchRenewWithinMs: lifetime === undefined ? undefined : Math.min(24 * 3600_000, (lifetime * 1000) / 2),
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
