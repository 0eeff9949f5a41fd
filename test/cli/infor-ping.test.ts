import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/backend/cli/main';
import type { CommandIo } from '../../electron/backend/cli/command';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { tempDir } from '../support/paths';
import { closedPort } from '../support/raw-sockets';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), isTty: false, env: {} };
}

describe('mlc infor ping', () => {
  let sandbox: InforSandbox;
  const temp = tempDir('mlc-ping-');
  const file = path.join(temp.dir, 'sandbox.ionapi');

  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 20 } });
    sandbox.writeIonapi(file);
  });
  afterAll(async () => {
    await sandbox.close();
    temp.remove();
  });

  it('prints the test-connection result for the sandbox file', async () => {
    const io = capture();
    const code = await main(['infor', 'ping', file, '--product-line', 'm3'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain(`tenant ${sandbox.tenant}`);
    expect(text).toMatch(/token lifetime\s+7200 s/);
    expect(text).toMatch(/sample\s+5 customers/);
  });

  it('prints JSON and detects the product line when asked to', async () => {
    const io = capture();
    expect(await main(['infor', 'ping', file, '--json'], io)).toBe(0);
    const result = JSON.parse(io.stdout[0]!) as {
      ok: boolean;
      productLine: string;
      tenant: string;
      tokenLifetimeSeconds: number;
      latencyMs: number;
    };
    expect(result).toMatchObject({ ok: true, productLine: 'm3', tenant: sandbox.tenant, tokenLifetimeSeconds: 7200 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('exits 3 with the missing keys named for a broken file, without echoing secrets', async () => {
    const ionapi = sandbox.ionapi();
    const broken = path.join(temp.dir, 'broken.ionapi');
    const { ci: _ci, pu: _pu, ...rest } = ionapi;
    fs.writeFileSync(broken, JSON.stringify(rest));
    const io = capture();
    expect(await main(['infor', 'ping', broken], io)).toBe(3);
    const text = io.stderr.join('\n');
    expect(text).toMatch(/"ci", "pu"/);
    expect(text).toContain('E_IONAPI_MISSING_KEY');
    for (const secret of [ionapi.cs, ionapi.sask, ionapi.saak]) expect(text).not.toContain(String(secret));
  });

  it('exits 3 for a file that is not JSON and for a web-app file', async () => {
    const notJson = path.join(temp.dir, 'not-json.ionapi');
    fs.writeFileSync(notJson, '{"ti": "X", ');
    const io = capture();
    expect(await main(['infor', 'ping', notJson], io)).toBe(3);
    expect(io.stderr.join('\n')).toContain('E_IONAPI_INVALID_JSON');
    const webApp = path.join(temp.dir, 'web.ionapi');
    sandbox.writeIonapi(webApp, 'web-app');
    const io2 = capture();
    expect(await main(['infor', 'ping', webApp], io2)).toBe(3);
    expect(io2.stderr.join('\n')).toMatch(/E_IONAPI_WEB_APP.*|Backend Service/);
  });

  it('exits 4 when the credentials are refused', async () => {
    sandbox.control.revokeServiceAccount();
    try {
      const io = capture();
      expect(await main(['infor', 'ping', file, '--product-line', 'm3'], io)).toBe(4);
      expect(io.stderr.join('\n')).toMatch(/E_AUTH_FAILED/);
      expect(io.stderr.join('\n')).toMatch(/service account/);
    } finally {
      sandbox.control.restoreServiceAccount();
    }
  });

  it('exits 5 (remote, not credentials) at once for a gateway on a closed port, without retrying', async () => {
    const port = await closedPort();
    const unreachable = path.join(temp.dir, 'closed.ionapi');
    const base = `https://127.0.0.1:${port}`;
    fs.writeFileSync(
      unreachable,
      JSON.stringify({ ...sandbox.ionapi(), iu: base, pu: `${base}/${sandbox.tenant}/as/` }),
    );
    const io = capture();
    expect(await main(['infor', 'ping', unreachable], io)).toBe(5);
    expect(io.stderr.join('\n')).toBe(
      `mlc infor ping: Cannot reach 127.0.0.1 — nothing accepts connections on port ${port} (connection refused). Check the address and port, the network or VPN, and that the server runs. [E_NET_REFUSED]`,
    );
    const json = capture();
    expect(await main(['infor', 'ping', unreachable, '--json'], json)).toBe(5);
    // One call: the refused token request; no retries and no probing of the other product lines.
    expect(JSON.parse(json.stdout[0]!)).toMatchObject({ ok: false, error: { code: 'E_NET_REFUSED' }, callCount: 1 });
  });

  it('exits 5 with E_NET_DNS for a gateway whose name does not resolve', async () => {
    const unresolvable = path.join(temp.dir, 'dns.ionapi');
    fs.writeFileSync(
      unresolvable,
      JSON.stringify({
        ...sandbox.ionapi(),
        iu: 'https://mingle-ionapi.invalid',
        pu: `https://mingle-sso.invalid/${sandbox.tenant}/as/`,
      }),
    );
    const io = capture();
    expect(await main(['infor', 'ping', unresolvable, '--product-line', 'm3'], io)).toBe(5);
    expect(io.stderr.join('\n')).toContain('Cannot reach mingle-sso.invalid — the name does not resolve');
    expect(io.stderr.join('\n')).toContain('[E_NET_DNS]');
  });

  it('exits 3 for a file over the .ionapi size limit, naming the limit, without reading it', async () => {
    const huge = path.join(temp.dir, 'huge.ionapi');
    // Sparse: 50 MB on paper, nothing written.
    fs.closeSync(fs.openSync(huge, 'w'));
    fs.truncateSync(huge, 50 * 1024 * 1024);
    const io = capture();
    expect(await main(['infor', 'ping', huge], io)).toBe(3);
    expect(io.stderr.join('\n')).toMatch(
      /huge\.ionapi is 52\.4 MB; an \.ionapi file is at most 100 KB .*\[E_IONAPI_TOO_LARGE\]$/,
    );
  });
});
