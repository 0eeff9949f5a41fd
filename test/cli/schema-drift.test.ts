import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, SnapshotField } from '../../shared/bundle/bundle.schema';
import { tempDir } from '../support/paths';
import { syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { designInforToZoho, writeSandboxFiles } from '../bundle/support/infor-to-zoho';
import { runMlc } from '../bundle/support/mlc-process';

/**
 * The export's snapshot is changed (the Infor sandbox cannot change a schema; Zoho's `changeField`
 * can, see test/e2e/schema-drift.test.ts): the live schema then differs from what the bundle says
 * the mapping was drawn against, as after a customer's admin retyped or deleted a field.
 */
describe('schema drift: mlc run compares the bundle’s snapshots with the live schemas', () => {
  let world: SyncWorld;
  const server = tempDir('mlc-drift-');
  let exported: Bundle;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 3, salesOrders: 3 } } });
    await designInforToZoho(world.api, world.source, world.target);
    // What the designer does when the Mapper opens both entities.
    for (const [connection, entity] of [
      [world.source, 'customers'],
      [world.target, 'Accounts'],
      [world.source, 'salesOrders'],
      [world.target, 'Sales_Orders'],
    ] as const)
      await world.api.call('schemas.get', { connectionId: connection.id, entity });
    exported = JSON.parse((await world.api.call('bundles.export', { name: 'Drift' })).content) as Bundle;
    writeSandboxFiles(server.dir, world.infor, world.zoho);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    server.remove();
  });

  it('exports a snapshot of the mapped fields of both sides', () => {
    const customers = exported.mappings.find((mapping) => mapping.targetEntity === 'Accounts')!;
    const names = (fields: SnapshotField[] | undefined) => (fields ?? []).map((field) => field.name).sort();
    expect(names(customers.schemaSnapshots?.target)).toEqual(
      expect.arrayContaining(['Account_Name', 'Infor_Customer_No']),
    );
    expect(names(customers.schemaSnapshots?.source)).toContain('CUNM');
    // Only mapped fields: far fewer than the entity has.
    expect(customers.schemaSnapshots!.target!.length).toBeLessThan(20);
  });

  /** The exported bundle as if exported when Account_Name was a number and CUNM had a sibling field OLDF. */
  function drifted(): string {
    const bundle = structuredClone(exported);
    const customers = bundle.mappings.find((mapping) => mapping.targetEntity === 'Accounts')!;
    const snapshots = customers.schemaSnapshots!;
    snapshots.target = snapshots.target!.map((field) =>
      field.name === 'Account_Name' ? { ...field, type: 'number' as const } : field,
    );
    snapshots.source = [...snapshots.source!, { name: 'OLDF', type: 'string' }];
    const file = path.join(server.dir, 'drift.mlcbundle.json');
    fs.writeFileSync(file, `${JSON.stringify(bundle, null, 2)}\n`);
    return file;
  }

  it('warns naming the fields, mapping and flow, then runs; --strict-schemas refuses before any call to write', async () => {
    const file = drifted();
    const env = { MLC_HOME: server.dir };
    expect((await runMlc(['bundle', 'seal', file], env)).code).toBe(0);

    const strict = await runMlc(['run', file, '--strict-schemas'], env);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toMatch(
      /schema drift: .*Accounts \(target of the mapping “Infor customers → Zoho accounts”, flow “Customers to accounts”\): Account_Name changed type from number to string/,
    );
    expect(strict.stderr).toMatch(/customers \(source of the mapping .*\): OLDF was removed from customers/);
    expect(strict.stderr).toContain('refusing to run (--strict-schemas)');
    expect(strict.events.find((event) => event.event === 'schema-drift')).toMatchObject({ strict: true });
    expect(world.zoho.inspect.count('Accounts')).toBe(0);
    expect(strict.events.some((event) => event.event === 'run')).toBe(false);

    const warned = await runMlc(['run', file], env);
    expect(warned.stderr).toMatch(/warning: schema drift: .*Account_Name changed type from number to string/);
    expect(warned.code).toBe(0);
    expect(world.zoho.inspect.records('Accounts').filter((account) => account.Infor_Customer_No)).toHaveLength(3);
  }, 60_000);

  it('`mlc validate --live-schemas` reports the same drift without touching the data folder; --strict-schemas makes it invalid', async () => {
    const file = drifted();
    const home = tempDir('mlc-drift-validate-');
    try {
      // The sandbox connection files only: no store yet, and validating must not create one.
      writeSandboxFiles(home.dir, world.infor, world.zoho);
      const env = { MLC_HOME: home.dir };
      expect((await runMlc(['bundle', 'seal', file], env)).code).toBe(0);
      const offline = await runMlc(['validate', file], env);
      expect(offline.code).toBe(0);
      expect(offline.stderr).not.toContain('schema drift');

      const warned = await runMlc(['validate', file, '--live-schemas'], env);
      expect(warned.code).toBe(0);
      expect(warned.stderr).toMatch(
        /note: schema drift: .*Accounts \(target of the mapping .*\): Account_Name changed type from number to string/,
      );
      expect(warned.stderr).toMatch(/OLDF was removed from customers/);

      const strict = await runMlc(['validate', file, '--live-schemas', '--strict-schemas', '--json'], env);
      expect(strict.code).toBe(3);
      const report = JSON.parse(strict.stdout) as { ok: boolean; schemaDrift: Array<{ field: string; code: string }> };
      expect(report.ok).toBe(false);
      expect(report.schemaDrift.map((finding) => [finding.field, finding.code]).sort()).toEqual([
        ['Account_Name', 'type-changed'],
        ['OLDF', 'removed-field'],
      ]);
      expect(fs.existsSync(path.join(home.dir, 'mlc.sqlite'))).toBe(false);
    } finally {
      home.remove();
    }
  }, 60_000);

  it('says nothing when the live schemas still match', async () => {
    const file = path.join(server.dir, 'clean.mlcbundle.json');
    fs.writeFileSync(file, `${JSON.stringify(exported, null, 2)}\n`);
    const clean = await runMlc(['run', file, '--strict-schemas'], { MLC_HOME: server.dir });
    expect(clean.stderr).not.toContain('schema drift');
    expect(clean.code).toBe(0);
  }, 60_000);
});
