import type { Connection } from '../../../shared/domain/connection';
import { AppError } from '../../../shared/errors';
import type { Handlers } from '../api/dispatch';
import { connectionHandlers } from '../connections/connections.handlers';
import type { BackendContext } from '../context';
import { redact } from '../util/redact';
import { openConnector } from './connector-registry';
import { detectProductLine } from './infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from './infor/ionapi';

type ConnectorHandlers = Pick<
  Handlers,
  | 'connections.importIonapi'
  | 'connections.create'
  | 'connections.update'
  | 'connections.test'
  | 'connections.remove'
  | 'schemas.entities'
  | 'schemas.get'
>;

/** Imports an `.ionapi` file as a connection (secrets to the vault); shared by the handler and `mlc infor ping`. */
export async function importIonapi(
  context: BackendContext,
  input: { fileName: string; content: string; name?: string; productLine?: 'm3' | 'csi' | 'ln' | 'fsm' },
): Promise<Connection> {
  const parsed = parseIonApi(input.content, input.fileName);
  const settings: Connection['settings'] = { ...ionApiSettings(parsed), onPremises: parsed.onPremises };
  const secrets = ionApiSecrets(parsed);
  let productLine = input.productLine;
  if (!productLine) {
    // Probe with a throwaway client: short timeout, no retries, nothing shared yet.
    productLine = await detectProductLine(
      { connection: { id: `import-${Date.now()}`, settings, sandbox: parsed.sandbox }, secrets, http: { maxRetries: 0, timeoutMs: 15_000 } },
    ).catch((error: unknown) => {
      if (error instanceof AppError && error.code.startsWith('E_AUTH')) throw error;
      return undefined;
    });
  }
  settings.productLine = productLine ?? 'm3';
  settings.productLineDetected = input.productLine === undefined && productLine !== undefined;
  const connection = context.connections.create({
    system: 'infor',
    name: input.name ?? parsed.file.cn ?? `Infor ${parsed.file.ti}`,
    settings,
    sandbox: parsed.sandbox,
  });
  context.vault.setMany(connection.id, secrets);
  context.events.emit('connections.changed', { ids: [connection.id] });
  return context.connections.get(connection.id)!;
}

/** Revokes what can be revoked before a connection goes; never blocks the removal. */
async function revokeBeforeRemove(context: BackendContext, id: string): Promise<void> {
  try {
    const connector = openConnector(context, id, { http: { maxRetries: 0, timeoutMs: 10_000 } });
    try {
      await connector.revoke();
    } finally {
      await connector.close();
    }
  } catch (error) {
    context.log.warn('token revocation failed; removing the connection anyway', {
      connectionId: id,
      error: redact(error instanceof Error ? error.message : String(error)),
    });
  }
  await context.http.drop(id);
}

export const connectorHandlers: ConnectorHandlers = {
  'connections.importIonapi': (input, context) => importIonapi(context, input),
  'connections.create': (input, context) => {
    const connection = context.connections.create({ system: input.system, name: input.name, settings: input.settings, sandbox: input.sandbox });
    context.vault.setMany(connection.id, input.secrets);
    context.events.emit('connections.changed', { ids: [connection.id] });
    return context.connections.get(connection.id)!;
  },
  'connections.update': async (input, context) => {
    const current = context.connections.get(input.id);
    if (!current) throw new AppError('E_NOT_FOUND', `No connection with id ${input.id}.`);
    const updated = context.connections.update(input.id, {
      name: input.name,
      settings: input.settings ? { ...current.settings, ...input.settings } : undefined,
    });
    if (input.secrets) {
      context.vault.setMany(input.id, input.secrets);
      context.db.prepare('DELETE FROM connection_tokens WHERE connection_id = ?').run(input.id);
    }
    // Hosts, limits or credentials may have changed: the next call builds a fresh client and schemas.
    await context.http.drop(input.id);
    if (input.settings) context.db.prepare('DELETE FROM entity_schemas WHERE connection_id = ?').run(input.id);
    context.events.emit('connections.changed', { ids: [input.id] });
    return context.connections.get(updated!.id)!;
  },
  'connections.test': async (input, context) => {
    const connector = openConnector(context, input.id);
    try {
      const result = await connector.test();
      return { ...result, callCount: connector.callCount() };
    } finally {
      await connector.close();
    }
  },
  'connections.remove': async (input, context) => {
    if (context.connections.get(input.id)) await revokeBeforeRemove(context, input.id);
    return connectionHandlers['connections.remove'](input, context);
  },
  'schemas.entities': async (input, context) => {
    const connector = openConnector(context, input.connectionId);
    try {
      return connector.entities();
    } finally {
      await connector.close();
    }
  },
  'schemas.get': async (input, context) => {
    const connector = openConnector(context, input.connectionId);
    try {
      return await connector.schema(input.entity, { refresh: input.refresh });
    } finally {
      await connector.close();
    }
  },
};
