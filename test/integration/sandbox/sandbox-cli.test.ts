import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../support/paths';

describe('mlc sandbox', () => {
  const home = tempDir('mlc-sandbox-cli-');
  afterEach(() => home.remove());

  it('starts the simulators, writes .ionapi files, prints JSON and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join('electron', 'backend', 'cli', 'entry.ts'),
        'sandbox',
        '--port',
        '0',
        '--json',
        '--customers',
        '50',
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, MLC_HOME: home.dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = readline.createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', () => reject(new Error(`mlc sandbox exited early: ${stderr}`)));
    });
    const printed = JSON.parse(first) as { sandboxes: Array<{ system: string; url: string; files: string[] }> };
    const infor = printed.sandboxes.find((sandbox) => sandbox.system === 'infor');
    expect(infor?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(infor?.files.map((file) => path.relative(home.dir, file)).sort()).toEqual([
      path.join('sandbox', 'infor-backend-service.ionapi'),
      path.join('sandbox', 'infor-client-credentials.ionapi'),
    ]);

    const ionapi = JSON.parse(
      fs.readFileSync(infor?.files.find((file) => file.includes('backend')) ?? '', 'utf8'),
    ) as Record<string, string>;
    expect(ionapi.iu).toBe(infor?.url);
    const token = await fetch(`${ionapi.pu}${ionapi.ot}`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        username: ionapi.saak ?? '',
        password: ionapi.sask ?? '',
        client_id: ionapi.ci ?? '',
        client_secret: ionapi.cs ?? '',
      }),
    });
    expect(token.status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${infor?.url}/__sandbox`)).rejects.toThrow();
  });
});
