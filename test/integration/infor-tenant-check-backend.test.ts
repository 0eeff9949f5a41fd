import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../electron/backend/backend';
import type { Result } from '../../shared/api/result';
import type { TenantCheckReport } from '../../shared/connectors/infor-check';
import type { Connection } from '../../shared/domain/connection';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { tempDir } from '../support/paths';

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

/** `connections.checkTenant` runs the check, applies what it chose and keeps the report; `connections.tenantCheck` reads it back, after a restart too. */
describe('the tenant check kept with the connection', () => {
  let sandbox: InforSandbox;
  const temp = tempDir('mlc-tenant-check-');
  let backend: Backend;
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 12 }, linesBehaviour: { fsmMaxLimit: 200 } });
    backend = createBackend({ runtime: 'cli', dataDir: temp.dir });
  });
  afterAll(async () => {
    await backend.close();
    await sandbox.close();
    temp.remove();
  });

  it('stores the last report, applies the settings it chose, and reads it back after a restart', async () => {
    const connection = value<Connection>(
      await backend.invoke('connections.importIonapi', {
        fileName: 'sandbox.ionapi',
        content: JSON.stringify(sandbox.ionapi()),
        productLine: 'fsm',
      }),
    );
    expect(value(await backend.invoke('connections.tenantCheck', { id: connection.id }))).toEqual({ report: null });
    const report = value<TenantCheckReport>(await backend.invoke('connections.checkTenant', { id: connection.id }));
    expect(report.productLine).toBe('fsm');
    expect(report.settingsChosen).toEqual({ fsmMaxLimit: '200' });
    const saved = value<Connection[]>(await backend.invoke('connections.list', {})).find(
      (one) => one.id === connection.id,
    );
    expect(saved?.settings.fsmMaxLimit).toBe('200');
    await backend.close();
    backend = createBackend({ runtime: 'cli', dataDir: temp.dir });
    expect(value(await backend.invoke('connections.tenantCheck', { id: connection.id }))).toEqual({ report });
  });

  it('refuses a connection that is not Infor', async () => {
    const result = await backend.invoke('connections.checkTenant', { id: 'no-such-connection' });
    expect(result.ok).toBe(false);
  });
});
