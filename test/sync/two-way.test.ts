import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Run } from '../../shared/domain/run';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInfor } from './support/connect';
import { accessToken } from '../integration/sandbox/infor-helpers';

/**
 * Two-way integrations without echo loops (issue 16), through the engine and the M3 simulator over
 * HTTP: customers of M3 company 200 go to company 100 (`C…` → `X…`) and back (`X…` → `C…`). Both
 * companies are real M3 reads and writes, so each flow reads what the other wrote.
 */
describe('two flows in opposite directions', () => {
  let infor: InforSandbox;
  let backend: Backend;
  let api: ApiClient;
  let m3: string;
  let token: string;
  const folder = tempDir('mlc-two-way-');
  const ids = { forward: '', reverse: '' };

  const change = async (company: string, cuno: string, fields: Record<string, string>) => {
    const query = new URLSearchParams({ CUNO: cuno, ...fields });
    const answer = await fetch(`${m3}/CRS610MI/ChgBasicData;cono=${company}?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { results: Array<{ errorMessage?: string }> };
    expect(body.results[0]?.errorMessage).toBeUndefined();
  };
  const customer = async (company: string, cuno: string) => {
    const answer = await fetch(`${m3}/CRS610MI/GetBasicData;cono=${company}?CUNO=${cuno}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await answer.json()) as { results: Array<{ records: Array<Record<string, string>> }> };
    return body.results[0]!.records[0]!;
  };
  const run = async (flowId: string): Promise<Run> => {
    const result = await api.call('flows.run', { id: flowId });
    if (result.counters.failed > 0) {
      const [failure] = (await api.call('audit.list', { runId: result.id, outcome: 'failed', limit: 1 })).items;
      throw new Error(`${result.counters.failed} failed, e.g. ${failure?.errorCode}: ${failure?.errorMessage}`);
    }
    expect(result.error).toBeNull();
    return result;
  };
  const moved = (result: Run) => result.counters.created + result.counters.updated;

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers: 12 } });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
    token = await accessToken(infor);
    m3 = `${infor.url}/${infor.tenant}/M3/m3api-rest/v2/execute`;
    const company200 = await connectInfor(api, infor, {
      settings: { m3Company: '200', m3CustomerTemplate: 'TMPLDOM' },
    });
    const company100 = await connectInfor(api, infor, {
      name: 'M3 company 100',
      settings: { m3Company: '100', m3CustomerTemplate: 'TMPLDOM' },
    });
    const save = async (name: string, expression: string, from: string, to: string) => {
      const mapping = await api.call('mappings.save', {
        name,
        sourceEntity: 'customers',
        targetEntity: 'customers',
        expression,
      });
      const flow = await api.call('flows.save', {
        name,
        source: { connectionId: from as never, entity: 'customers', lookbackSeconds: 0 },
        mappingId: mapping.id,
        target: { connectionId: to as never, entity: 'customers', matchKey: ['CUNO'] },
        schedule: { kind: 'manual' },
        dependsOn: [],
        options: { dryRun: false },
        paused: false,
      });
      return flow.id;
    };
    ids.forward = await save(
      'M3 200 → 100',
      '$substring(CUNO, 0, 1) = "C" ? { "CUNO": "X" & $substring(CUNO, 1), "CUNM": CUNM, "CUA1": CUA1, "PHNO": PHNO }',
      company200.id,
      company100.id,
    );
    ids.reverse = await save(
      'M3 100 → 200',
      '$substring(CUNO, 0, 1) = "X" ? { "CUNO": "C" & $substring(CUNO, 1), "CUNM": CUNM, "CUA1": CUA1, "PHNO": PHNO }',
      company100.id,
      company200.id,
    );
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await infor?.close();
    folder.remove();
  });

  it('moves records once, skips their echoes, and moves a change on either side exactly once', async () => {
    const forward = await run(ids.forward);
    expect(forward.counters.created).toBeGreaterThan(0);
    const written = forward.counters.created;

    // Everything the reverse flow reads from company 100 that it would write is the forward flow's own work.
    const reverse = await run(ids.reverse);
    expect(moved(reverse)).toBe(0);
    expect(reverse.counters.echoes).toBe(written);
    const skipped = (await api.call('audit.list', { runId: reverse.id, outcome: 'skipped', limit: 100 })).items;
    const echo = skipped.find((row) => row.errorCode === 'ECHO');
    expect(skipped.filter((row) => row.errorCode === 'ECHO')).toHaveLength(written);
    expect(echo?.errorMessage).toContain('M3 200 → 100');
    // The Runs screen's search finds them by their code.
    const searched = await api.call('audit.list', { runId: reverse.id, text: 'ECHO', limit: 100 });
    expect(searched.total).toBe(written);

    // Second pass: nothing moves either way.
    expect(moved(await run(ids.forward))).toBe(0);
    expect(moved(await run(ids.reverse))).toBe(0);

    // A change in company 200 moves to company 100 once; its echo stops there.
    await change('200', 'C0000003', { CUNM: 'Renamed in 200' });
    const afterSource = await run(ids.forward);
    expect(afterSource.counters).toMatchObject({ updated: 1, created: 0 });
    expect((await customer('100', 'X0000003')).CUNM?.trim()).toBe('Renamed in 200');
    const back = await run(ids.reverse);
    expect(moved(back)).toBe(0);
    expect(back.counters.echoes).toBe(1);

    // A change in company 100 moves back once; its echo stops there too.
    await change('100', 'X0000005', { PHNO: '+31 20 555 0105' });
    const reverseChange = await run(ids.reverse);
    expect(reverseChange.counters).toMatchObject({ updated: 1, created: 0 });
    expect((await customer('200', 'C0000005')).PHNO?.trim()).toBe('+31 20 555 0105');
    const forwardEcho = await run(ids.forward);
    expect(moved(forwardEcho)).toBe(0);
    expect(forwardEcho.counters.echoes).toBe(1);
    expect(moved(await run(ids.reverse))).toBe(0);
  }, 180_000);

  it('applies conflict rules per field when both sides changed a record', async () => {
    // Both companies rename the same customer before the forward flow runs again.
    await change('200', 'C0000007', { CUNM: 'Source name', CUA1: 'Source street 1' });
    await change('100', 'X0000007', { CUNM: 'Target name', CUA1: 'Target street 1' });
    const { createdAt: _created, updatedAt: _updated, ...flow } = await api.call('flows.get', { id: ids.forward });
    await api.call('flows.save', {
      ...flow,
      options: { ...flow.options, conflicts: { default: 'source', fields: { CUNM: 'target' } } },
    });
    const ruled = await run(ids.forward);
    expect(ruled.counters).toMatchObject({ updated: 1, conflicts: 1 });
    const held = await customer('100', 'X0000007');
    // CUNM: the target wins; CUA1: the source (the default rule).
    expect(held.CUNM?.trim()).toBe('Target name');
    expect(held.CUA1?.trim()).toBe('Source street 1');
    const [row] = (await api.call('audit.list', { runId: ruled.id, outcome: 'updated', limit: 1 })).items;
    expect(row?.errorCode).toBe('CONFLICT');
    expect(row?.errorMessage).toContain('CUNM');
    expect(row?.diff).toEqual(
      expect.arrayContaining([
        { field: 'CUNM', before: 'Target name', after: 'Target name' },
        { field: 'CUA1', before: 'Target street 1', after: 'Source street 1' },
      ]),
    );

    // Only the target changed a field since the last write: under "newest" (or "target") the target's
    // edit stands, and its own flow carries it back; the source's change to another field is written.
    await api.call('flows.save', {
      ...flow,
      options: { ...flow.options, conflicts: { default: 'source', fields: { CUNM: 'target', CUA1: 'newest' } } },
    });
    await change('100', 'X0000009', { CUA1: 'Edited in 100' });
    await change('200', 'C0000009', { PHNO: '+31 20 555 0109' });
    const onlyTarget = await run(ids.forward);
    expect(onlyTarget.counters).toMatchObject({ updated: 1, conflicts: 0 });
    const nine = await customer('100', 'X0000009');
    expect(nine.PHNO?.trim()).toBe('+31 20 555 0109');
    expect(nine.CUA1?.trim()).toBe('Edited in 100');
  }, 180_000);
});
