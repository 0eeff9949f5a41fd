import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../electron/backend/cli/command';
import { tempDir } from '../support/paths';
import { customerToZohoAccount, syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { writeSandboxFiles } from '../bundle/support/infor-to-zoho';
import { runMlc } from '../bundle/support/mlc-process';

const customers = 40;
/** The three customers the broken mapping points at an account that does not exist. */
const broken = ['C0000003', 'C0000007', 'C0000011'];
/** Shaped like a Zoho record id, but no account has it: the target refuses the lookup per record. */
const missingAccountId = '4150868000099999';

/** Customers → Accounts, with a parent-account lookup that is wrong for three customers. */
const brokenExpression = customerToZohoAccount.replace(
  /\}\s*$/,
  `, "Parent_Account": CUNO in ${JSON.stringify(broken)} ? { "id": "${missingAccountId}" } : undefined }`,
);

interface RunLine {
  runId: string;
  flow: string;
  trigger: string;
  status: string;
  counters: { read: number; created: number; updated: number; unchanged: number; failed: number };
}

describe('`mlc runs` and `mlc replay` on a run whose target refused records', () => {
  let world: SyncWorld;
  const server = tempDir('mlc-replay-');
  const env = { MLC_HOME: server.dir };
  let brokenFile: string;
  let fixedFile: string;
  let runId: string;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers } } });
    // The designer's side: one flow, exported twice — as broken, then with the mapping fixed (same ids).
    const flow = await world.flow({ name: 'Customers to accounts', expression: brokenExpression });
    const exportAs = async (name: string) => {
      const exported = await world.api.call('bundles.export', { name, samplesPerMapping: 0 });
      const file = path.join(server.dir, exported.fileName);
      fs.writeFileSync(file, exported.content);
      return file;
    };
    brokenFile = await exportAs('Accounts broken');
    const mapping = await world.api.call('mappings.get', { id: flow.mappingId });
    await world.api.call('mappings.save', {
      id: mapping.id,
      name: mapping.name,
      sourceEntity: mapping.sourceEntity,
      targetEntity: mapping.targetEntity,
      expression: customerToZohoAccount,
    });
    fixedFile = await exportAs('Accounts fixed');
    // The server's side runs against the same simulators, bound through the files `mlc sandbox` writes.
    writeSandboxFiles(server.dir, world.infor, world.zoho);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    server.remove();
  });

  it('runs the bundle: the three refused records fail, the rest land, exit code 1', async () => {
    const run = await runMlc(['run', brokenFile], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(exitCodes.failure);
    const finished = run.events.find((event) => event.event === 'run') as unknown as RunLine;
    expect(finished.status).toBe('partial');
    expect(finished.counters).toMatchObject({
      read: customers,
      created: customers - broken.length,
      failed: broken.length,
    });
    expect(run.events.at(-1)).toMatchObject({ event: 'done', status: 'partial', exitCode: exitCodes.failure });
    runId = finished.runId;
    expect(world.zoho.inspect.records('Accounts').filter((record) => record.Infor_Customer_No)).toHaveLength(
      customers - broken.length,
    );
  }, 60_000);

  it('lists the run with its failures, as a table and as JSON lines', async () => {
    const table = await runMlc(['runs'], env);
    expect(table.code).toBe(exitCodes.ok);
    const row = table.stdout.split('\n').find((line) => line.endsWith(runId));
    // started, flow, status, read, new, upd, same, fail, calls, run id
    expect(row).toMatch(
      new RegExp(
        `Customers to accounts\\s+partial\\s+${customers}\\s+${customers - broken.length}\\s+0\\s+0\\s+${broken.length}\\s+\\d+\\s+${runId}$`,
      ),
    );

    const json = await runMlc(['runs', '--json'], env);
    expect(json.code).toBe(exitCodes.ok);
    expect(json.events).toHaveLength(1);
    expect(json.events[0]).toMatchObject({
      runId,
      flow: 'Customers to accounts',
      status: 'partial',
      counters: { failed: broken.length },
    });

    const failed = await runMlc(['runs', '--run', runId, '--outcome', 'failed', '--json'], env);
    expect(failed.code).toBe(exitCodes.ok);
    expect(failed.events.map((row) => row.sourceKey).sort()).toEqual(broken);
    // The target's own code and words, per record.
    for (const row of failed.events)
      expect(row).toMatchObject({
        outcome: 'failed',
        errorCode: 'INVALID_DATA',
        errorMessage: expect.stringMatching(/invalid/i),
      });

    const text = await runMlc(['runs', '--run', runId, '--outcome', 'failed'], env);
    expect(text.stdout.split('\n')[0]).toBe(
      `run ${runId} · Customers to accounts · partial · ${broken.length} rows failed`,
    );
    for (const key of broken) expect(text.stdout).toMatch(new RegExp(`${key}\\s+failed\\s+.*INVALID_DATA`));
  }, 60_000);

  it('replays: failing again while the cause is there (exit 1), through once the mapping is fixed (exit 0)', async () => {
    // The bundle `mlc run` last used is remembered: still the broken mapping.
    const again = await runMlc(['replay', runId, '--json'], env);
    expect(again.code).toBe(exitCodes.failure);
    // Records failing is `partial`; `failed` is kept for a run that could not do its work at all.
    expect(again.events[0]).toMatchObject({
      trigger: 'replay',
      status: 'partial',
      counters: { read: broken.length, failed: broken.length },
    });

    const fixed = await runMlc(['replay', runId, '--bundle', fixedFile, '--json'], env);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(exitCodes.ok);
    expect(fixed.events[0]).toMatchObject({
      trigger: 'replay',
      status: 'succeeded',
      counters: { read: broken.length, created: broken.length, failed: 0 },
    });
    const accounts = world.zoho.inspect.records('Accounts').filter((record) => record.Infor_Customer_No);
    expect(accounts).toHaveLength(customers);
    expect(
      accounts
        .filter((record) => broken.includes(String(record.Infor_Customer_No)))
        .map((record) => record.Parent_Account ?? null),
    ).toEqual([null, null, null]);

    // Nothing left to replay: a third replay has no records and succeeds.
    const nothing = await runMlc(['replay', runId, '--json'], env);
    expect(nothing.code).toBe(exitCodes.ok);
    expect(nothing.events[0]).toMatchObject({ counters: { read: 0, failed: 0 } });

    // The history shows the original run and the replays, newest first.
    const listed = await runMlc(['runs', '--json'], env);
    expect((listed.events as unknown as RunLine[]).map((run) => [run.trigger, run.status])).toEqual([
      ['replay', 'succeeded'],
      ['replay', 'succeeded'],
      ['replay', 'partial'],
      ['cli', 'partial'],
    ]);
  }, 90_000);

  it('answers bad usage with exit code 2 and an unknown run with 1', async () => {
    const usage = await runMlc(['replay'], env);
    expect(usage.code).toBe(exitCodes.usage);
    expect(usage.stderr).toContain('mlc replay RUN_ID');
    const unknown = await runMlc(['replay', 'no-such-run', '--bundle', fixedFile], env);
    expect(unknown.code).toBe(exitCodes.failure);
    expect(unknown.stderr).toMatch(/^mlc: .*\[E_NOT_FOUND\]/m);
  }, 60_000);
});
