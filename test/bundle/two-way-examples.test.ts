import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/domain/run';
import { exitCodes } from '../../electron/backend/cli/command';
import { DynamicsConnector } from '../../electron/backend/connectors/dynamics/dynamics.connector';
import { repoRoot, tempDir } from '../support/paths';
import { accessToken } from '../integration/sandbox/infor-helpers';
import { runMlc } from './support/mlc-process';
import { startExampleSandboxes, writeExampleSandboxFiles, type ExampleSandboxes } from './support/two-way-examples';

type RunEvent = Run & { runId: string; flowName?: string };

/**
 * Issue 16's example bundles, each run by `mlc run` against the sandbox's simulators as a server
 * would: the first run moves records, the second moves none (no echoes bounce), and a change on
 * either side moves exactly that record once.
 */
describe('the two-way example bundles under `mlc run`', () => {
  let sandboxes: ExampleSandboxes;
  const homes: Array<{ dir: string; remove(): void }> = [];

  beforeAll(async () => {
    sandboxes = await startExampleSandboxes();
  }, 60_000);
  afterAll(async () => {
    await sandboxes?.close();
    for (const home of homes) home.remove();
  });

  const home = () => {
    const made = tempDir('mlc-example-home-');
    homes.push(made);
    writeExampleSandboxFiles(made.dir, sandboxes);
    return made.dir;
  };
  const run = async (file: string, dataDir: string): Promise<RunEvent[]> => {
    const result = await runMlc(['run', path.join(repoRoot, 'examples', file)], { MLC_HOME: dataDir });
    // Warnings (Dataverse: deletions not reported while change tracking is off) are fine; errors are not.
    expect(result.stderr).not.toMatch(/"level":"error"/);
    expect(result.code, result.stdout).toBe(exitCodes.ok);
    const runs = result.events.filter((event) => event.event === 'run') as unknown as RunEvent[];
    for (const each of runs) expect(each.counters.failed, JSON.stringify(each)).toBe(0);
    return runs;
  };
  const moved = (runs: RunEvent[]) =>
    runs.reduce((sum, each) => sum + each.counters.created + each.counters.updated, 0);
  const echoes = (runs: RunEvent[]) => runs.reduce((sum, each) => sum + (each.counters.echoes ?? 0), 0);

  it('Dynamics contacts → M3 customers: creates them, then nothing, then exactly the renamed contact', async () => {
    const file = 'dynamics-contacts-to-m3.mlcbundle.json';
    const dataDir = home();
    const first = await run(file, dataDir);
    expect(first[0]!.counters).toMatchObject({ read: 10, created: 10 });
    expect(moved(await run(file, dataDir))).toBe(0);

    const { dynamics } = sandboxes;
    const newest = dynamics.inspect
      .records('contact')
      .map((row) => String(row.modifiedon))
      .sort()
      .at(-1)!;
    dynamics.control.clock.set(Date.parse(newest) + 120_000);
    const connection = dynamics.connection();
    const writer = new DynamicsConnector({
      connection: { id: 'dynamics-editor', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    const [contact] = dynamics.inspect.records('contact');
    const [written] = await writer.write(
      'contact',
      [{ mlc_inforcontactid: contact!.mlc_inforcontactid!, lastname: 'Renamed' }],
      { matchKey: ['mlc_inforcontactid'] },
    );
    await writer.close();
    expect(written?.outcome).toBe('updated');
    const third = await run(file, dataDir);
    expect(third[0]!.counters).toMatchObject({ created: 0, updated: 1 });
  }, 180_000);

  it('Cin7 purchases ↔ M3 purchase orders: echoes skipped both ways, a change on either side moves once', async () => {
    const file = 'cin7-purchases-both-ways.mlcbundle.json';
    const dataDir = home();
    const first = await run(file, dataDir);
    expect(first.map((each) => each.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const [suppliers, toCin7, toM3] = first;
    expect(suppliers!.counters.created).toBe(6);
    expect(toCin7!.counters.created).toBe(6);
    // The reverse flow reads the six purchases the forward flow just wrote: all echoes, none written back.
    expect(toM3!.counters).toMatchObject({ created: 0, updated: 0, echoes: 6 });
    expect(moved(await run(file, dataDir))).toBe(0);

    // M3 side: a buyer changes a line's quantity. It reaches Cin7 once; its echo stops there.
    const { infor, cin7 } = sandboxes;
    const token = await accessToken(infor);
    const m3 = `${infor.url}/${infor.tenant}/M3/m3api-rest/v2/execute`;
    const changed = await fetch(`${m3}/PPS200MI/UpdLine?PUNO=2000000002&PNLI=1&PNLS=0&ORQA=77`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(changed.status).toBe(200);
    const afterM3 = await run(file, dataDir);
    expect(moved(afterM3)).toBe(1);
    expect(afterM3[1]!.counters.updated).toBe(1);
    expect(echoes(afterM3)).toBe(1);
    const purchase = cin7.inspect
      .purchases()
      .find((each) => (each.AdditionalAttributes as Record<string, string>).AdditionalAttribute1 === '2000000002')!;
    const lines = (purchase.Order as { Lines: Array<{ Quantity: number; Comment: string }> }).Lines;
    expect(lines.find((line) => line.Comment === 'Infor line 1')?.Quantity).toBe(77);
    expect(moved(await run(file, dataDir))).toBe(0);

    // Cin7 side: the purchase's lines are replaced with a new quantity. It reaches M3 once; its echo stops there.
    const connection = cin7.connection();
    const replaced = await fetch(`${connection.settings.baseUrl}/purchase/order`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'api-auth-accountid': connection.secrets.accountId,
        'api-auth-applicationkey': connection.secrets.applicationKey,
      },
      body: JSON.stringify({
        TaskID: purchase.ID,
        Status: 'DRAFT',
        // A person edits the quantity and Cin7's line total with it.
        Lines: lines.map((line) =>
          line.Comment === 'Infor line 1'
            ? { ...line, Quantity: 55, Total: Math.round(55 * Number((line as { Price?: number }).Price) * 100) / 100 }
            : line,
        ),
      }),
    });
    expect(replaced.status).toBe(200);
    const afterCin7 = await run(file, dataDir);
    expect(moved(afterCin7)).toBe(1);
    expect(afterCin7[2]!.counters.updated).toBe(1);
    const order = await fetch(`${m3}/PPS200MI/LstLine?PUNO=2000000002`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await order.json()) as { results: Array<{ records: Array<Record<string, string>> }> };
    const lineOne = body.results[0]?.records.find((line) => Number(line.PNLI) === 1);
    expect(Number(lineOne?.ORQA), JSON.stringify(body)).toBe(55);
    // The M3 → Cin7 flow ran before it in that pass: it meets the echo in the next one, and stops it.
    const next = await run(file, dataDir);
    expect(moved(next)).toBe(0);
    expect(next[1]!.counters.echoes).toBe(1);
  }, 240_000);

  it('GL reconcile: creates what Cin7 lacks, then finds everything equal, then fixes exactly the changed account', async () => {
    const file = 'gl-reconcile-m3-cin7.mlcbundle.json';
    const dataDir = home();
    const first = await run(file, dataDir);
    expect(first[0]!.counters.created).toBeGreaterThan(0);
    expect(first[0]!.notes?.join(' ')).toMatch(/^Reconcile: /);
    const second = await run(file, dataDir);
    expect(moved(second)).toBe(0);
    expect(second[0]!.counters.unchanged).toBe(first[0]!.counters.created);

    // Someone renames one of the accounts in Cin7: the next reconcile puts Infor's name back, once.
    const { cin7 } = sandboxes;
    const connection = cin7.connection();
    const account = cin7.inspect.accounts().find((each) => String(each.Code) === '100000')!;
    const renamed = await fetch(`${connection.settings.baseUrl}/ref/account`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        'api-auth-accountid': connection.secrets.accountId,
        'api-auth-applicationkey': connection.secrets.applicationKey,
      },
      body: JSON.stringify({ ...account, Name: 'Renamed in Cin7' }),
    });
    expect(renamed.status).toBe(200);
    const third = await run(file, dataDir);
    expect(third[0]!.counters).toMatchObject({ created: 0, updated: 1 });
    expect(cin7.inspect.accounts().find((each) => String(each.Code) === '100000')?.Name).toBe(account.Name);
    expect(moved(await run(file, dataDir))).toBe(0);
  }, 180_000);
});
