import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/domain/run';
import { createBackend } from '../../electron/backend/backend';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startZohoSandbox, type ZohoSandbox } from '../../sandbox/zoho/index';
import { syncService } from '../../electron/backend/sync/sync.service';
import { exitCodes } from '../../electron/backend/cli/command';
import { tempDir } from '../support/paths';
import { syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { designInforToZoho, writeSandboxFiles, zohoState, type Designed } from '../bundle/support/infor-to-zoho';
import { runMlc } from '../bundle/support/mlc-process';

const counts = { customers: 50, salesOrders: 60 };

/** Per flow: each record's outcome and what it was turned into, in source-key order. */
function auditOutcomes(dataDir: string, flowIds: string[], runIds: string[]) {
  const backend = createBackend({ runtime: 'cli', dataDir });
  try {
    const { audit } = syncService(backend.context);
    return flowIds.map((flowId, index) =>
      [...audit.iterateAudits({ runId: runIds[index]! })]
        .map((audit) => ({
          flowId,
          sourceKey: audit.sourceKey,
          outcome: audit.outcome,
          errorCode: audit.errorCode,
          mappingHash: audit.mappingHash,
          payload: flowId === flowIds[0] ? audit.transformedPayload : null,
        }))
        .sort((a, b) => a.sourceKey.localeCompare(b.sourceKey)),
    );
  } finally {
    void backend.close();
  }
}

const shape = (run: Pick<Run, 'status' | 'counters' | 'calls' | 'mappingHash'>) => ({
  status: run.status,
  counters: run.counters,
  calls: run.calls,
  mappingHash: run.mappingHash,
});

describe('desktop engine and `mlc run` agree', () => {
  let desktop: SyncWorld;
  let designed: Designed;
  let infor: InforSandbox;
  let zoho: ZohoSandbox;
  const server = tempDir('mlc-server-');
  let bundleFile: string;

  beforeAll(async () => {
    desktop = await syncWorld({ infor: { counts } });
    // Fresh sandboxes with the same seed for the headless side.
    infor = await startInforSandbox({ counts });
    zoho = await startZohoSandbox({ seedAccounts: 0 });
    writeSandboxFiles(server.dir, infor, zoho);
    designed = await designInforToZoho(desktop.api, desktop.source, desktop.target);
  }, 60_000);
  afterAll(async () => {
    await desktop?.close();
    await Promise.all([infor?.close(), zoho?.close()]);
    server.remove();
  });

  it('syncs the same target state with the same audit outcomes, first run and incremental run', async () => {
    const engine = syncService(desktop.backend.context).engine;
    const desktopFirst = await engine.runPass([designed.orders.id, designed.accounts.id]);
    expect(desktopFirst.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);

    // Designed and run on the desktop, exported as the designer's Export button does.
    const exported = await desktop.api.call('bundles.export', { name: 'Parity' });
    bundleFile = path.join(server.dir, exported.fileName);
    fs.writeFileSync(bundleFile, exported.content);
    expect(exported.content).not.toContain(Object.values(desktop.zoho.connection().secrets)[0]);

    const first = await runMlc(['run', bundleFile], { MLC_HOME: server.dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(exitCodes.ok);
    const headlessFirst = first.events.filter((event) => event.event === 'run') as unknown as Array<
      Run & { runId: string }
    >;
    expect(headlessFirst.map((run) => run.flowId)).toEqual([designed.accounts.id, designed.orders.id]);
    expect(first.events.some((event) => event.event === 'progress')).toBe(true);
    expect(first.events.at(-1)).toMatchObject({ event: 'done', status: 'succeeded', exitCode: 0 });

    expect(headlessFirst.map(shape)).toEqual(desktopFirst.map(shape));
    const target = zohoState(zoho);
    expect(target.accounts).toHaveLength(counts.customers);
    expect(target.orders).toHaveLength(counts.salesOrders);
    expect(target).toEqual(zohoState(desktop.zoho));
    const flowIds = [designed.accounts.id, designed.orders.id];
    expect(
      auditOutcomes(
        server.dir,
        flowIds,
        headlessFirst.map((run) => run.runId),
      ),
    ).toEqual(
      auditOutcomes(
        desktop.dataDir,
        flowIds,
        desktopFirst.map((run) => run.id),
      ),
    );

    // Source changes on both sides alike; the next run of each is incremental and matches too.
    const changed = ['C0000003', 'C0000007', 'C0000011'];
    const at = new Date(Date.now() + 120_000);
    desktop.infor.control.modify('customers', changed, at);
    infor.control.modify('customers', changed, at);
    const desktopSecond = await engine.runPass(flowIds);
    const second = await runMlc(['run', bundleFile], { MLC_HOME: server.dir });
    expect(second.code).toBe(exitCodes.ok);
    // Before the pass: the Zoho credits it spends, from the first pass's reads (50 accounts, 60 orders):
    // one upsert call per flow, or 1 credit per 10 records (5 + 6), of Standard's 50,250 a day.
    expect(second.events.find((event) => event.event === 'credits')).toMatchObject({
      low: 2,
      high: 11,
      left: 50_250,
      verdict: 'fits',
    });
    const headlessSecond = second.events.filter((event) => event.event === 'run') as unknown as Array<
      Run & { runId: string }
    >;
    expect(headlessSecond.map(shape)).toEqual(desktopSecond.map(shape));
    expect(headlessSecond[0]!.counters.updated).toBe(changed.length);
    expect(zohoState(zoho)).toEqual(zohoState(desktop.zoho));
    expect(
      auditOutcomes(
        server.dir,
        flowIds,
        headlessSecond.map((run) => run.runId),
      ),
    ).toEqual(
      auditOutcomes(
        desktop.dataDir,
        flowIds,
        desktopSecond.map((run) => run.id),
      ),
    );

    // `mlc runs` reads the same audit log from the terminal.
    const listed = await runMlc(['runs', '--json'], { MLC_HOME: server.dir });
    expect(listed.code).toBe(exitCodes.ok);
    expect(listed.events.map((event) => event.runId)).toEqual(
      [...headlessFirst, ...headlessSecond].map((run) => run.runId).reverse(),
    );
  }, 180_000);
});
