import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/backend/cli/main';
import type { CommandIo } from '../../electron/backend/cli/command';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { tenantCheckReportSchema } from '../../shared/connectors/infor-check';
import { tempDir } from '../support/paths';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), isTty: false, env: {} };
}

describe('mlc infor check', () => {
  let sandbox: InforSandbox;
  const temp = tempDir('mlc-check-');
  const file = path.join(temp.dir, 'sandbox.ionapi');

  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 30, suppliers: 5, glAccounts: 5 } });
    sandbox.writeIonapi(file);
  });
  afterAll(async () => {
    await sandbox.close();
    temp.remove();
  });

  it('prints one line per probe with its mark and the settings chosen, and exits 0', async () => {
    const io = capture();
    const code = await main(['infor', 'check', file, '--product-line', 'm3', '--setting', 'm3Company=100'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain(`tenant ${sandbox.tenant}`);
    expect(text).toMatch(/^✓ m3\.sepc\s+.*no quoting/m);
    expect(text).toMatch(/^✓ m3\.lmtsForm\s+.*epoch milliseconds/m);
    expect(text).toMatch(/^\? m3\.maxrecsCap\s+/m);
    expect(text).toMatch(/^✓ m3\.cono\s+.*→ m3Company=100$/m);
    expect(text).toContain('Settings chosen: m3Company=100');
  });

  it('--json prints the report; a CSI tenant with several sites and none chosen says so without failing', async () => {
    const io = capture();
    expect(await main(['infor', 'check', file, '--product-line', 'csi', '--json'], io)).toBe(0);
    const report = tenantCheckReportSchema.parse(JSON.parse(io.stdout[0]!));
    expect(report.productLine).toBe('csi');
    const sites = report.probes.find((probe) => probe.id === 'csi.sites')!;
    expect(sites.status).toBe('differs');
    expect(sites.observed).toContain(`${sandbox.tenant}_EMEA`);
    expect(report.probes.filter((probe) => probe.status === 'failed')).toEqual([]);
  });

  it('refuses a --setting without KEY=VALUE', async () => {
    const io = capture();
    expect(await main(['infor', 'check', file, '--setting', 'm3Company'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('KEY=VALUE');
  });
});
