import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../support/paths';

const mlc = path.join(repoRoot, 'bin', 'mlc.js');

describe('mlc', () => {
  it('prints help with every command and the exit codes', () => {
    const result = spawnSync(process.execPath, [mlc, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('studio');
    expect(result.stdout).toMatch(/Exit codes:[\s\S]*2\s+wrong usage/);
  });

  it('prints the package version', () => {
    const result = spawnSync(process.execPath, [mlc, '--version'], { encoding: 'utf8' });
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('explains an unknown command with exit code 2', () => {
    const result = spawnSync(process.execPath, [mlc, 'frobnicate'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });

  it('rejects a bad port for studio with exit code 2', () => {
    const result = spawnSync(process.execPath, [mlc, 'studio', '--port', 'abc', '--no-open'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port');
  });
});

describe('npm start without the Electron binary', () => {
  it('says so in one line and serves the app over the web bridge', async () => {
    const home = tempDir('mlc-start-');
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs'), '--port', '0', '--no-open'], {
      env: { ...process.env, MLC_HOME: home.dir, MLC_NO_ELECTRON: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/#token=\S+\n/.test(out)) {
            clearTimeout(timer);
            resolve(out.trim().split('\n'));
          }
        });
      });
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/Electron is not installed.*mlc studio/);
      const url = new URL(/(http:\/\/\S+)/.exec(lines[1]!)![1]!);
      expect(url.hostname).toBe('127.0.0.1');
      const page = await fetch(url.origin + '/');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('ml-connector Studio');
      const token = url.hash.replace('#token=', '');
      const refused = await fetch(url.origin + '/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'app.info', input: {} }),
      });
      expect(refused.status).toBe(401);
      const allowed = await fetch(url.origin + '/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ method: 'app.info', input: {} }),
      });
      expect(await allowed.json()).toMatchObject({ ok: true, value: { runtime: 'web', dataDir: home.dir } });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      home.remove();
    }
  });
});
