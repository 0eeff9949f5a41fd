import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot, tempDir } from '../../support/paths';

export interface Studio {
  url: string;
  origin: string;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the real `mlc studio` (built bundle) on a free port with a fresh data folder. */
export async function startStudio(options: { dataDir?: string } = {}): Promise<Studio> {
  const folder = options.dataDir ? undefined : tempDir('mlc-studio-');
  const dataDir = options.dataDir ?? folder!.dir;
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'mlc.js'), 'studio', '--port', '0', '--no-open'], {
    env: { ...process.env, MLC_HOME: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`mlc studio did not start: ${stderr}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`mlc studio exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      folder?.remove();
    },
  };
}
