import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/api/client';
import type { Connection } from '../../../shared/domain/connection';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../../sandbox/infor/index';
import { testBackend } from '../../support/backend';

/** `samples.fetch` (the mapper's preview input) against the Infor simulator over real HTTP. */
describe('samples.fetch', () => {
  let env: ReturnType<typeof testBackend>;
  let sandbox: InforSandbox;
  let connection: Connection;
  const api = () => createClient(inProcessTransport(env.backend));

  beforeAll(async () => {
    env = testBackend('web');
    sandbox = await startInforSandbox({ counts: { customers: 120 } });
    connection = await api().call('connections.importIonapi', {
      fileName: 'sandbox.ionapi',
      content: JSON.stringify(sandbox.ionapi()),
      productLine: 'm3',
    });
  });
  afterAll(async () => {
    await sandbox?.close();
    await env?.dispose();
  });

  it('returns the first records of an entity, normalised, with their keys', async () => {
    const result = await api().call('samples.fetch', { connectionId: connection.id, entity: 'customers', limit: 7 });
    expect(result.records).toHaveLength(7);
    expect(result.calls).toBeGreaterThan(0);
    for (const record of result.records) {
      expect(record.key).toBe(record.data.CUNO);
      expect(typeof record.data.CUNM).toBe('string');
    }
    expect(new Set(result.records.map((record) => record.key)).size).toBe(7);
  });

  it('refuses more than 1000 records and unknown entities with coded errors', async () => {
    const tooMany = await api().invoke('samples.fetch', {
      connectionId: connection.id,
      entity: 'customers',
      limit: 5000,
    });
    expect(tooMany.ok ? undefined : tooMany.error.code).toBe('E_INVALID_INPUT');
    const unknown = await api().invoke('samples.fetch', { connectionId: connection.id, entity: 'nope', limit: 5 });
    expect(unknown.ok ? undefined : unknown.error.code).toBe('E_NOT_FOUND');
  });
});
