import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../../../shared/errors';
import { appRoot } from '../../app/version';
import { createHostBackend } from '../../host/host-backend';
import { startWebBridge } from '../../bridge/web-bridge';
import { exitCodes, type Command } from '../command';
import { terminalText } from '../terminal-text';
import { redact } from '../../util/redact';

export const studioCommand: Command = {
  name: 'studio',
  summary: 'Serve the designer in your browser on 127.0.0.1 (the app without Electron).',
  usage: `mlc studio [--port N] [--no-open]

  Starts the backend and serves the designer over the web bridge on 127.0.0.1.
  Prints one line with the URL, including a per-launch token; only that URL works.

  --port N    listen on port N (default: a free port)
  --no-open   do not open a browser window`,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, 'no-open': { type: 'boolean', default: false }, help: { type: 'boolean' } },
      strict: true,
    });
    if (values.help) {
      io.out(this.usage);
      return exitCodes.ok;
    }
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.err(`mlc studio: --port must be a number from 0 to 65535, got ${JSON.stringify(values.port)}.`);
      return exitCodes.usage;
    }
    const staticDir = path.join(appRoot(), 'dist', 'renderer');
    if (!fs.existsSync(path.join(staticDir, 'index.html'))) {
      io.err('mlc studio: the user interface is not built yet; run `npm run build` first.');
      return exitCodes.failure;
    }
    // Long-lived like the desktop app: flows fire on their schedules while it runs.
    const backend = createHostBackend({ runtime: 'web' });
    const report = (what: string) => (reason: unknown) =>
      io.err(`mlc studio: ${what}; still running. ${terminalText(redact(errorMessage(reason)))}`);
    const bridge = await startWebBridge({ backend, port, staticDir, onError: report('a request failed') }).catch(
      async (error: NodeJS.ErrnoException) => {
        await backend.close();
        throw error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} is already in use; pick another with --port.`)
          : error;
      },
    );
    // A long-running server: one failed operation is reported and the rest keeps serving,
    // where Node's default would end the process on the first unhandled rejection.
    const onRejection = report('an operation failed without being handled');
    process.on('unhandledRejection', onRejection);
    io.out(`ml-connector Studio is running at ${bridge.url}`);
    if (!values['no-open']) openBrowser(bridge.url);

    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await bridge.close();
    process.off('unhandledRejection', onRejection);
    await backend.close();
    return exitCodes.ok;
  },
};

/** Best effort: a headless server has no browser, and that is fine. */
function openBrowser(url: string) {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener on this machine: the printed URL is enough.
  }
}
