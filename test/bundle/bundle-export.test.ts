import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../electron/backend/cli/command';
import { main } from '../../electron/backend/cli/main';
import { validateBundleText } from '../../electron/backend/bundle/bundle-check';
import { syncService } from '../../electron/backend/sync/sync.service';
import type { Bundle } from '../../shared/bundle/bundle.schema';
import { AppError } from '../../shared/errors';
import { tempDir } from '../support/paths';
import { customerToZohoAccount, syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { captureIo, writeBundle } from './support/bundle-files';

/** Export through the contract, as the Bundles screen does. */
async function exported(
  world: SyncWorld,
  input: { samplesPerMapping?: number } = {},
): Promise<{ text: string; bundle: Bundle }> {
  const result = await world.api.call('bundles.export', { name: 'Customers', ...input });
  return { text: result.content, bundle: JSON.parse(result.content) as Bundle };
}

describe('bundle export: customer data only when asked for, secrets never', () => {
  let world: SyncWorld;
  const folder = tempDir('mlc-export-');
  /** Customer names in the audit log: what real samples would carry. */
  let customerNames: string[];

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 8 } } });
    const flow = await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount });
    const [run] = await syncService(world.backend.context).engine.runPass([flow.id]);
    expect(run!.counters.created).toBe(8);
    customerNames = world.zoho.inspect
      .records('Accounts')
      .map((record) => String(record.Account_Name))
      .filter((name) => name.length > 3);
    expect(customerNames.length).toBeGreaterThan(0);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    folder.remove();
  });

  it('carries no sample records by default, though the audit log has plenty', async () => {
    const { text, bundle } = await exported(world);
    expect(bundle.samples).toEqual([]);
    for (const name of customerNames) expect(text).not.toContain(name);
  });

  it('still validates without samples, through the backend and `mlc validate`', async () => {
    const { text } = await exported(world);
    const { check } = await validateBundleText(text);
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.samples).toEqual({ passed: 0, failed: 0 });
    const io = captureIo({ MLC_HOME: folder.dir });
    expect(await main(['validate', writeBundle(folder.dir, 'no-samples.mlcbundle.json', text)], io)).toBe(exitCodes.ok);
    expect(io.stdout.join('\n')).toContain('no sample records (exported without them)');
  });

  it('includes real records with their expected outputs when asked for', async () => {
    const { text, bundle } = await exported(world, { samplesPerMapping: 3 });
    expect(bundle.samples).toHaveLength(3);
    expect(bundle.samples.every((sample) => sample.name.startsWith('Record ') && sample.expected !== null)).toBe(true);
    expect(customerNames.some((name) => text.includes(name))).toBe(true);
    const { check } = await validateBundleText(text);
    expect(check.samples).toEqual({ passed: 3, failed: 0 });
  });

  it('refuses a connection setting holding a secret’s value, naming the field and never the value', async () => {
    const secrets = world.zoho.connection().secrets as Record<string, string>;
    const pasted = secrets.refresh_token!;
    expect(pasted.length).toBeGreaterThan(8);
    const original = world.target.settings;
    // A field name nothing recognises as secret: only the value gives it away. The API refuses keys a system has
    // no setting for, so the value goes straight into the store (as an older version, or a hand-edited store, left it).
    const plant = (notes: string) =>
      world.backend.context.connections.update(world.target.id, { settings: { ...original, notes } });
    plant(pasted);
    try {
      const error = await world.api.call('bundles.export', { name: 'Leaky' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AppError);
      const refusal = error as AppError;
      expect(refusal.code).toBe('E_BUNDLE_SECRET');
      expect(refusal.message).toMatch(/connections\[\d\]\.settings\.notes/);
      expect(refusal.message).toContain('refresh_token');
      expect(JSON.stringify({ message: refusal.message, details: refusal.details })).not.toContain(pasted);

      // Inside a longer value too (a URL with the token in its query).
      plant(`https://example.test/cb?t=${pasted}`);
      await expect(world.api.call('bundles.export', { name: 'Leaky' })).rejects.toMatchObject({
        code: 'E_BUNDLE_SECRET',
        message: expect.stringMatching(/settings\.notes/),
      });
    } finally {
      world.backend.context.connections.update(world.target.id, { settings: original });
    }
    // Cleared: the export goes through again.
    expect((await exported(world)).bundle.connections).toHaveLength(2);
  });
});
