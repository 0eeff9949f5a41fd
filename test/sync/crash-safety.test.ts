import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

const customers = 20_000;
const kills = 20;
const child = path.join(repoRoot, 'test', 'sync', 'support', 'run-flow-child.ts');

/** Starts the engine in its own process and kills it with SIGKILL after `afterMs`. */
function runAndKill(dataDir: string, flowId: string, afterMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, flowId], { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), afterMs);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`engine process failed (${code}): ${stderr.slice(-2000)}`));
    });
  });
}

describe('crash safety', () => {
  let world: SyncWorld;
  let flowId: string;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers } } });
    flowId = (await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount, pageSize: 1000 })).id;
    // The child processes open the same store; this process must not hold runs open.
    await world.backend.close();
  }, 60_000);
  afterAll(async () => {
    await world?.reopen();
    await world?.close();
  });

  it(`loses and duplicates nothing across ${kills} SIGKILLs`, async () => {
    // Seeded randomness: the kill moments are reproducible run to run.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < kills; attempt += 1) {
      outcomes.push(await runAndKill(world.dataDir, flowId, 700 + Math.floor(random() * 2500)));
    }
    expect(outcomes.filter((outcome) => outcome === 'killed').length).toBeGreaterThan(kills / 2);

    // The next process finishes the job.
    await world.reopen();
    const final = await world.api.call('flows.run', { id: flowId as never });
    expect(final.status).toBe('succeeded');

    const accounts = world.zoho.inspect.records('Accounts');
    const numbers = accounts.map((account) => String(account.Infor_Customer_No));
    expect(accounts).toHaveLength(customers);
    expect(new Set(numbers).size).toBe(customers);

    // Every value is what the mapping makes of the source record.
    const byNumber = new Map(accounts.map((account) => [String(account.Infor_Customer_No), account]));
    const source = world.infor.control as unknown as { record?: (entity: string, key: string) => Record<string, unknown> | undefined };
    for (const key of ['C0000001', 'C0010000', 'C0020000']) {
      const account = byNumber.get(key)!;
      expect(account.Account_Number).toBe(key);
      if (source.record) expect(account.Account_Name).toBe(String(source.record('customers', key)?.CUNM ?? account.Account_Name));
    }

    // The audit log agrees with the target: each key's latest successful row names the record Zoho holds.
    const audit = await world.api.call('audit.list', { flowId: flowId as never, limit: 1000, offset: 0 });
    expect(audit.total).toBeGreaterThanOrEqual(customers);
    const latest = new Map<string, string | null>();
    for (let offset = 0; offset < audit.total; offset += 1000) {
      const page = await world.api.call('audit.list', { flowId: flowId as never, limit: 1000, offset });
      for (const row of page.items) if (row.outcome !== 'failed') latest.set(row.sourceKey, row.targetKey);
    }
    expect(latest.size).toBe(customers);
    for (const [key, targetKey] of latest) expect(targetKey, key).toBe(String(byNumber.get(key)?.id));
  }, 600_000);
});
