import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../electron/backend/cli/command';
import { main } from '../../electron/backend/cli/main';
import { bundleJsonSchemaId } from '../../shared/bundle/bundle-json-schema';
import { tempDir } from '../support/paths';
import { customerToZohoAccount, syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { captureIo, exampleBundle, writeBundle } from './support/bundle-files';

describe('bundles in git', () => {
  let world: SyncWorld;
  const folder = tempDir('mlc-bundle-git-');
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 3 } } });
    await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    folder.remove();
  });

  it('exports the same workspace twice as the same bytes, with $schema and no timestamp', async () => {
    const first = await world.api.call('bundles.export', { name: 'Git' });
    // Later than the clock's resolution: a timestamp anywhere in the file would now differ.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await world.api.call('bundles.export', { name: 'Git' });
    expect(second.content).toBe(first.content);
    const bundle = JSON.parse(first.content) as Record<string, unknown>;
    expect(Object.keys(bundle)[0]).toBe('$schema');
    expect(bundle.$schema).toBe(bundleJsonSchemaId);
    expect(bundle).not.toHaveProperty('createdAt');
    // And it imports and validates like any other.
    const io = captureIo({ MLC_HOME: folder.dir });
    expect(await main(['validate', writeBundle(folder.dir, 'git.mlcbundle.json', first.content)], io)).toBe(
      exitCodes.ok,
    );
  });

  it('names a bundle exported without a name after its content, not the day (the name is in the hash)', async () => {
    const unnamed = await world.api.call('bundles.export', {});
    const bundle = JSON.parse(unnamed.content) as { name: string };
    expect(bundle.name).toBe('Customers to accounts');
    expect(unnamed.fileName).toBe('customers-to-accounts.mlcbundle');
    expect(unnamed.content).not.toContain(new Date().toISOString().slice(0, 10));
  });

  it('`mlc bundle seal` re-hashes a valid hand edit, which then validates', async () => {
    const bundle = exampleBundle();
    bundle.flows[0]!.schedule = { kind: 'cron', cron: '*/30 * * * *', timeZone: 'Europe/Berlin' };
    const file = writeBundle(folder.dir, 'edited.mlcbundle.json', `${JSON.stringify(bundle, null, 2)}\n`);
    const before = captureIo({ MLC_HOME: folder.dir });
    expect(await main(['validate', file], before)).toBe(exitCodes.invalid);
    expect(before.stderr.join('\n')).toContain('E_BUNDLE_HASH');

    const seal = captureIo({ MLC_HOME: folder.dir });
    expect(await main(['bundle', 'seal', file], seal)).toBe(exitCodes.ok);
    expect(seal.stdout.join('\n')).toMatch(/content hash: sha256:[0-9a-f]{64} → sha256:[0-9a-f]{64}/);
    const after = captureIo({ MLC_HOME: folder.dir });
    expect(await main(['validate', file], after)).toBe(exitCodes.ok);
    const sealed = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof bundle;
    expect(sealed.flows[0]!.schedule).toEqual({ kind: 'cron', cron: '*/30 * * * *', timeZone: 'Europe/Berlin' });
    // Sealing again changes nothing.
    const again = captureIo({ MLC_HOME: folder.dir });
    expect(await main(['bundle', 'seal', file], again)).toBe(exitCodes.ok);
    expect(again.stdout.join('\n')).toContain('already sealed');
  });

  it('refuses to seal an edit that breaks the bundle, or one that adds a secret, and leaves the file as it was', async () => {
    const broken = exampleBundle();
    broken.flows[0]!.schedule = { kind: 'cron', cron: 'every now and then', timeZone: 'UTC' };
    const brokenText = `${JSON.stringify(broken, null, 2)}\n`;
    const brokenFile = writeBundle(folder.dir, 'broken.mlcbundle.json', brokenText);
    const io = captureIo({ MLC_HOME: folder.dir });
    expect(await main(['bundle', 'seal', brokenFile], io)).toBe(exitCodes.invalid);
    expect(io.stderr.join('\n')).toMatch(/was not sealed[\s\S]*flows\[0\]/);
    expect(fs.readFileSync(brokenFile, 'utf8')).toBe(brokenText);

    const leaky = exampleBundle();
    (leaky.connections[1]!.settings as Record<string, unknown>).client_secret = 'a-pasted-client-secret-1234567890';
    const leakyText = `${JSON.stringify(leaky, null, 2)}\n`;
    const leakyFile = writeBundle(folder.dir, 'leaky.mlcbundle.json', leakyText);
    const refused = captureIo({ MLC_HOME: folder.dir });
    expect(await main(['bundle', 'seal', leakyFile], refused)).toBe(exitCodes.invalid);
    expect(refused.stderr.join('\n')).toContain('E_BUNDLE_SECRET');
    expect(refused.stderr.join('\n')).not.toContain('a-pasted-client-secret');
    expect(fs.readFileSync(leakyFile, 'utf8')).toBe(leakyText);
  });
});
