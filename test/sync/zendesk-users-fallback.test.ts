import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import type { Logger } from '../../electron/backend/util/log';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';

const customers = 30;

// A stock Zendesk tenant refuses bulk user import (403): the run still writes every user, one call
// each, and its log says why it is slower, once, naming the flow and the run.
describe('M3 customers → Zendesk users on a stock tenant', () => {
  let infor: InforSandbox;
  let zendesk: ZendeskSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir('mlc-zendesk-users-');
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (message, fields) => void warnings.push({ message, fields }),
  };

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers } });
    zendesk = await startZendeskSandbox({ settings: { rateLimitPerMinute: null } });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend, logger });
    api = createClient(inProcessTransport(backend));
  });
  afterAll(async () => {
    await backend?.close();
    await zendesk?.close();
    await infor?.close();
    folder.remove();
  });

  async function run(name: string) {
    const source = await api.call('connections.importIonapi', {
      fileName: 'm3.ionapi',
      content: JSON.stringify(infor.ionapi('backend-service')),
      productLine: 'm3',
    });
    const settings = zendesk.connection();
    const target = await api.call('connections.create', {
      system: 'zendesk',
      name: `${settings.name} ${name}`,
      settings: settings.settings,
      secrets: settings.secrets,
      sandbox: true,
    });
    const mapping = await api.call('mappings.save', {
      name,
      sourceEntity: 'customers',
      targetEntity: 'users',
      expression: '{ "external_id": CUNO, "name": CUNM, "email": "buyer." & CUNO & "@example.com" }',
    });
    const flow = await api.call('flows.save', {
      name,
      source: { connectionId: source.id, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: target.id, entity: 'users', matchKey: ['external_id'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
    warnings.length = 0;
    zendesk.control.clearRequests();
    return { flow, result: await api.call('flows.run', { id: flow.id }) };
  }
  const routes = () => zendesk.control.requests().map((request) => request.route);

  it('bulk import off: every user written with create_or_update, and the run log says so once', async () => {
    const { flow, result } = await run('Stock tenant');
    expect(result.status).toBe('succeeded');
    expect(result.counters).toMatchObject({ read: customers, created: customers, failed: 0 });
    expect(routes().filter((route) => route === 'Zendesk user create_or_update')).toHaveLength(customers);
    expect(routes().filter((route) => route === 'Zendesk users create_or_update_many')).toHaveLength(1);
    const notices = warnings.filter((warning) => /bulk user import/.test(warning.message));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/one at a time/);
    expect(notices[0]?.fields).toMatchObject({ flow: flow.id, run: result.id });
    // The run keeps it too, for the Runs screen.
    expect(result.notes).toEqual([notices[0]?.message]);
    expect((await api.call('runs.get', { id: result.id })).notes).toEqual([notices[0]?.message]);
    const [audit] = (await api.call('audit.list', { runId: result.id, limit: 1 })).items;
    expect(audit?.targetKey).toMatch(/^\d+$/);
  }, 60_000);

  it('bulk import enabled: the same flow goes in create_or_update_many jobs, with no notice', async () => {
    zendesk.control.setBulkImport(true);
    try {
      const { result } = await run('Bulk enabled');
      expect(result.status).toBe('succeeded');
      // The users exist from the first test: matched by external_id and updated.
      expect(result.counters.created + result.counters.updated).toBe(customers);
      expect(routes().filter((route) => route === 'Zendesk user create_or_update')).toHaveLength(0);
      expect(routes().filter((route) => route === 'Zendesk users create_or_update_many')).toHaveLength(1);
      expect(warnings.filter((warning) => /bulk user import/.test(warning.message))).toEqual([]);
      expect(result.notes).toEqual([]);
    } finally {
      zendesk.control.setBulkImport(false);
    }
  }, 60_000);
});
