import path from 'node:path';
import { parseArgs } from 'node:util';
import { sandboxRegistry, type RunningSandbox } from '../../../../sandbox/registry';
import { resolveDataDir } from '../../store/paths';
import { exitCodes, type Command, type CommandIo } from '../command';

const positiveInteger = (
  name: string,
  text: string | undefined,
  minimum: number,
  maximum: number,
): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw Object.assign(
      new Error(`--${name} must be a whole number from ${minimum} to ${maximum}, got ${JSON.stringify(text)}.`),
      { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' },
    );
  }
  return value;
};

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Start the offline simulators of the connected systems on 127.0.0.1.',
  usage: `mlc sandbox [--port N] [--customers N] [--seed N] [--token-lifetime S] [--json]

  Starts every simulator (Infor CloudSuite today) on 127.0.0.1, writes their connection
  files (e.g. Infor .ionapi files) into <data dir>/sandbox/, prints one line per simulator
  and runs until Ctrl+C.

  --port N            first port (default: free ports); simulators take N, N+1, ...
  --customers N       customers per simulator (default 1000; up to millions, generated on demand)
  --seed N            data seed (default 1): same seed, same records and credentials
  --token-lifetime S  access-token lifetime in seconds (default 7200; try 5 to exercise refresh)
  --json              print one JSON object instead of text lines`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        customers: { type: 'string' },
        seed: { type: 'string' },
        'token-lifetime': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help) {
      io.out(this.usage);
      return exitCodes.ok;
    }
    const port = positiveInteger('port', values.port, 0, 65535) ?? 0;
    const customers = positiveInteger('customers', values.customers, 0, 9_999_999);
    const seed = positiveInteger('seed', values.seed, 0, 2 ** 32 - 1) ?? 1;
    const tokenLifetimeSeconds = positiveInteger('token-lifetime', values['token-lifetime'], 1, 31_536_000);
    const directory = path.join(resolveDataDir(io.env), 'sandbox');

    const running: RunningSandbox[] = [];
    const closeAll = () => Promise.all(running.map((sandbox) => sandbox.close()));
    try {
      for (const [position, entry] of sandboxRegistry.entries()) {
        running.push(
          await entry.start({
            port: port === 0 ? 0 : port + position,
            seed,
            customers,
            tokenLifetimeSeconds,
            directory,
          }),
        );
      }
    } catch (error) {
      await closeAll();
      const code = (error as NodeJS.ErrnoException).code;
      throw code === 'EADDRINUSE'
        ? new Error(`A port from ${port} is already in use; pick another with --port.`)
        : error;
    }
    report(io, running, values.json === true);

    await waitForSignal();
    await closeAll();
    if (!values.json) io.out('Sandbox stopped.');
    return exitCodes.ok;
  },
};

function report(io: CommandIo, running: RunningSandbox[], json: boolean): void {
  if (json) {
    io.out(JSON.stringify({ sandboxes: running.map(({ system, url, files }) => ({ system, url, files })) }));
    return;
  }
  for (const sandbox of running) io.out(`${sandbox.system.padEnd(10)} ${sandbox.url}  ${sandbox.files.join(', ')}`);
  io.out('Control API: <url>/__sandbox/ (stats, faults, quota, clock). Press Ctrl+C to stop.');
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
