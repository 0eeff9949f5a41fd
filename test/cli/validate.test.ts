import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretEnvName } from '../../shared/bundle/bundle-secrets';
import { stableHash } from '../../shared/hash';
import { exitCodes } from '../../electron/backend/cli/command';
import { main } from '../../electron/backend/cli/main';
import { captureIo, exampleBundle, exampleBundlePath, reseal, writeBundle } from '../bundle/support/bundle-files';
import { tempDir } from '../support/paths';

const folder = tempDir('mlc-validate-');
afterAll(() => folder.remove());

async function validate(file: string, ...flags: string[]) {
  const io = captureIo({ MLC_HOME: folder.dir });
  const code = await main(['validate', file, '--json', ...flags], io);
  const report = JSON.parse(io.stdout.join('\n')) as {
    ok: boolean;
    problems: Array<{ code: string; path?: string; message: string }>;
    samples: { passed: number; failed: number };
    missingSecrets?: string;
  };
  return { code, report };
}

describe('mlc validate', () => {
  it('passes the shipped example and says so in words too', async () => {
    const { code, report } = await validate(exampleBundlePath);
    expect(code).toBe(exitCodes.ok);
    expect(report.ok).toBe(true);
    expect(report.samples.failed).toBe(0);
    const io = captureIo();
    expect(await main(['validate', exampleBundlePath], io)).toBe(exitCodes.ok);
    expect(io.stdout[0]).toMatch(/^✔ Infor to Zoho CRM \(bundle v1\) is valid/);
  });

  it('catches a tampered bundle', async () => {
    const bundle = exampleBundle();
    bundle.mappings[0]!.expression = bundle.mappings[0]!.expression.replace('"Phone"', '"Mobile"');
    const { code, report } = await validate(writeBundle(folder.dir, 'tampered.mlcbundle.json', bundle));
    expect(code).toBe(exitCodes.invalid);
    expect(report.problems.map((problem) => problem.code)).toEqual(['E_BUNDLE_HASH']);
  });

  it('catches a connection without a secret slot its system needs', async () => {
    const bundle = exampleBundle();
    const zoho = bundle.connections.find((connection) => connection.system === 'zoho')!;
    zoho.secretSlots = zoho.secretSlots.filter((slot) => slot.key !== 'refresh_token');
    const { code, report } = await validate(writeBundle(folder.dir, 'no-slot.mlcbundle.json', reseal(bundle)));
    expect(code).toBe(exitCodes.invalid);
    expect(report.problems).toEqual([
      expect.objectContaining({
        code: 'E_BUNDLE_SECRET_MISSING',
        path: expect.stringMatching(/^connections\[\d\]\.secretSlots$/),
        message: expect.stringContaining('refresh_token'),
      }),
    ]);
  });

  it('catches a sample whose expected output no longer matches', async () => {
    const bundle = exampleBundle();
    const sample = bundle.samples[0]!;
    (sample.expected as Record<string, unknown>).Account_Name = 'Something the mapping never produced';
    const { code, report } = await validate(writeBundle(folder.dir, 'sample.mlcbundle.json', reseal(bundle)));
    expect(code).toBe(exitCodes.invalid);
    expect(report.samples).toEqual({ passed: bundle.samples.length - 1, failed: 1 });
    expect(report.problems).toEqual([
      expect.objectContaining({
        code: 'E_BUNDLE_SAMPLE',
        path: 'samples[0].expected',
        message: expect.stringContaining('Account_Name'),
      }),
    ]);
  });

  it('catches a mapping that no longer compiles from its graph', async () => {
    const bundle = exampleBundle();
    const mapping = bundle.mappings.find((candidate) => candidate.graph)!;
    mapping.expression = mapping.expression.replace('$trim(', '$uppercase(');
    mapping.hash = stableHash(mapping.expression);
    const { code, report } = await validate(writeBundle(folder.dir, 'graph.mlcbundle.json', reseal(bundle)));
    expect(code).toBe(exitCodes.invalid);
    expect(report.problems.map((problem) => problem.code)).toContain('E_MAPPING_COMPILE');
  });

  it('with --require-secrets, fails until every required slot has a value', async () => {
    const missing = await validate(exampleBundlePath, '--require-secrets');
    expect(missing.code).toBe(exitCodes.auth);
    expect(missing.report.missingSecrets).toContain('MLC_SECRET_ZOHO_REFRESH_TOKEN');
    const env = Object.fromEntries(
      exampleBundle().connections.flatMap((connection) =>
        connection.secretSlots.map((slot) => [secretEnvName(slot.slot), `value-of-${slot.slot}`]),
      ),
    );
    const io = captureIo({ MLC_HOME: folder.dir, ...env });
    expect(await main(['validate', exampleBundlePath, '--require-secrets'], io)).toBe(exitCodes.ok);
    expect([...io.stdout, ...io.stderr].join('\n')).not.toContain('value-of-');
  });

  it('reads MLC_SECRET_<SLOT>_FILE, a secret mounted as a file (Kubernetes, Docker), and names an unreadable one', async () => {
    const env: Record<string, string> = {};
    for (const connection of exampleBundle().connections)
      for (const slot of connection.secretSlots) {
        const file = path.join(folder.dir, `mounted-${slot.slot}`);
        fs.writeFileSync(file, `mounted-value-of-${slot.slot}\n`);
        env[`${secretEnvName(slot.slot)}_FILE`] = file;
      }
    const io = captureIo({ MLC_HOME: folder.dir, ...env });
    expect(await main(['validate', exampleBundlePath, '--require-secrets'], io)).toBe(exitCodes.ok);
    expect([...io.stdout, ...io.stderr].join('\n')).not.toContain('mounted-value-of-');

    const gone = captureIo({
      MLC_HOME: folder.dir,
      ...env,
      MLC_SECRET_ZOHO_REFRESH_TOKEN_FILE: path.join(folder.dir, 'not-mounted'),
    });
    expect(await main(['validate', exampleBundlePath, '--require-secrets'], gone)).toBe(exitCodes.auth);
    expect(gone.stderr.join('\n')).toContain(
      'MLC_SECRET_ZOHO_REFRESH_TOKEN_FILE names not-mounted, which cannot be read (ENOENT)',
    );
  });

  it('reports unreadable and non-bundle files as invalid', async () => {
    expect((await validate(writeBundle(folder.dir, 'broken.json', '{ not json'))).code).toBe(exitCodes.invalid);
    const io = captureIo();
    expect(await main(['validate'], io)).toBe(exitCodes.usage);
  });
});
