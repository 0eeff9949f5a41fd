import type { ApiClient } from '../../../shared/api/client';
import type { Connection, SystemId } from '../../../shared/domain/connection';
import type { InforSandbox } from '../../../sandbox/infor/index';

/** What a target simulator's `connection()` gives: the form a person would fill in. */
export interface SandboxConnection {
  name: string;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
}

/**
 * The two connections of a sync test, made through the API as a person makes them: the Infor
 * simulator's `.ionapi` file (M3) and a target simulator's settings and secrets.
 */
export async function connectInforAndTarget(
  api: ApiClient,
  infor: InforSandbox,
  system: SystemId,
  connection: SandboxConnection,
): Promise<{ source: Connection; target: Connection }> {
  const source = await api.call('connections.importIonapi', {
    fileName: 'sandbox.ionapi',
    content: JSON.stringify(infor.ionapi('backend-service')),
    productLine: 'm3',
  });
  const target = await api.call('connections.create', {
    system,
    name: connection.name,
    settings: connection.settings as never,
    secrets: connection.secrets,
    sandbox: true,
  });
  return { source, target };
}
