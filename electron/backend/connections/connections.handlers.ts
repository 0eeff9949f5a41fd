import { ionapiMaxBytes, ionapiTooLargeMessage } from '../../../shared/api/connectors.contract';
import type { Connection } from '../../../shared/domain/connection';
import { AppError, errorMessage } from '../../../shared/errors';
import type { Handlers } from '../api/dispatch';
import { openConnector } from '../connectors/connector-registry';
import { productLineFromScopes } from '../connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi, type ParsedIonApi } from '../connectors/infor/ionapi';
import type { BackendContext } from '../context';
import { redact } from '../util/redact';
import { validConnectionSettings } from './connection-settings';

/** Saved connections: list, create, update, import (.ionapi) and remove; what talks to the live system is in connectors/connectors.handlers. */
type ConnectionHandlers = Pick<
  Handlers,
  'connections.list' | 'connections.create' | 'connections.update' | 'connections.importIonapi' | 'connections.remove'
>;

export interface IonapiImport {
  fileName: string;
  content: string;
  name?: string;
  productLine?: 'm3' | 'csi' | 'ln' | 'fsm';
  existing?: 'ask' | 'create';
  updateId?: string;
}

/**
 * Imports an `.ionapi` file as a connection (secrets to the vault); shared by
 * the handler and the sandbox workspace. It never touches the network: a
 * well-formed file is saved whether or not its hosts answer right now. The
 * product line is the one chosen, else the one the file's scopes name, else
 * detected by the first connection test.
 */
export async function importIonapi(context: BackendContext, input: IonapiImport): Promise<Connection> {
  const bytes = Buffer.byteLength(input.content, 'utf8');
  if (bytes > ionapiMaxBytes) {
    throw new AppError('E_IONAPI_TOO_LARGE', ionapiTooLargeMessage(input.fileName, bytes), {
      bytes,
      limit: ionapiMaxBytes,
    });
  }
  const parsed = parseIonApi(input.content, input.fileName);
  const settings: Connection['settings'] = { ...ionApiSettings(parsed), onPremises: parsed.onPremises };
  // A file without `iu` (LN 2025+ client-credentials): the card asks the person to confirm the proposed gateway.
  if (parsed.derived.includes('iu')) settings.gatewayProposed = true;
  const secrets = ionApiSecrets(parsed);
  const fromScopes = productLineFromScopes(typeof settings.scopes === 'string' ? settings.scopes : undefined);
  if (input.updateId) return updateFromIonapi(context, input.updateId, parsed, settings, secrets, input);
  if (input.existing === 'ask') {
    const matches = sameIonapi(context, parsed);
    if (matches.length > 0) {
      throw new AppError(
        'E_CONNECTION_EXISTS',
        `${input.fileName} is already imported as “${matches[0]!.name}” (tenant ${parsed.file.ti}). Update that connection with this file, or create a new one.`,
        { matches: matches.map(({ id, name }) => ({ id, name })) },
      );
    }
  }
  settings.productLine = input.productLine ?? fromScopes ?? 'm3';
  settings.productLineDetected = input.productLine === undefined && fromScopes !== undefined;
  if (input.productLine) settings.productLineChosen = true;
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

/** Infor connections made from the same authorized app: same tenant, client id and token endpoint. */
function sameIonapi(context: BackendContext, parsed: ParsedIonApi): Connection[] {
  return context.connections
    .list()
    .filter(
      (connection) =>
        connection.system === 'infor' &&
        connection.settings.tenant === parsed.file.ti &&
        connection.settings.ci === parsed.file.ci &&
        String(connection.settings.pu ?? '') + String(connection.settings.ot ?? '') === parsed.tokenUrl,
    );
}

/** A newer download of the same app's credentials: new endpoints and secrets, the connection's own choices kept. */
async function updateFromIonapi(
  context: BackendContext,
  id: string,
  parsed: ParsedIonApi,
  settings: Connection['settings'],
  secrets: Record<string, string>,
  input: IonapiImport,
): Promise<Connection> {
  const current = context.connections.get(id);
  if (!current || current.system !== 'infor')
    throw new AppError(
      'E_NOT_FOUND',
      `No Infor connection with id ${id} to update; import the file as a new connection.`,
    );
  if (current.sandbox !== parsed.sandbox) {
    throw new AppError(
      'E_INVALID_INPUT',
      `${input.fileName} is ${parsed.sandbox ? 'a sandbox file' : 'not a sandbox file'} and “${current.name}” is ${current.sandbox ? 'a sandbox connection' : 'not'}; import it as a new connection.`,
    );
  }
  if (input.productLine)
    Object.assign(settings, { productLine: input.productLine, productLineChosen: true, productLineDetected: false });
  // A client-credentials file has no service account: clear the old one rather than keep a stale secret.
  const slots: Record<string, string | null> = { service_account_key: null, service_account_secret: null, ...secrets };
  return connectionHandlers['connections.update'](
    { id: current.id, name: input.name, settings, secrets: slots },
    context,
  );
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
      error: redact(errorMessage(error)),
    });
  }
  await context.http.drop(id);
}

export const connectionHandlers: ConnectionHandlers = {
  'connections.list': (_input, context) => context.connections.list(),
  'connections.importIonapi': (input, context) => importIonapi(context, input),
  'connections.create': (input, context) => {
    const settings = validConnectionSettings(input.system, input.settings);
    const connection = context.connections.create({
      system: input.system,
      name: input.name,
      settings,
      sandbox: input.sandbox,
    });
    context.vault.setMany(connection.id, input.secrets);
    context.events.emit('connections.changed', { ids: [connection.id] });
    return context.connections.get(connection.id)!;
  },
  'connections.update': async (input, context) => {
    const current = context.connections.get(input.id);
    if (!current) throw new AppError('E_NOT_FOUND', `No connection with id ${input.id}.`);
    // The whole result is checked, so a change cannot leave another field inconsistent.
    const settings = input.settings
      ? validConnectionSettings(current.system, { ...current.settings, ...input.settings }, current.settings)
      : undefined;
    const updated = context.connections.update(input.id, { name: input.name, settings });
    if (input.secrets) {
      context.vault.setMany(input.id, input.secrets);
      context.store.connectionCaches.clearToken(input.id);
    }
    // Hosts, limits or credentials may have changed: the next call builds a fresh client and schemas.
    await context.http.drop(input.id);
    if (input.settings) context.store.connectionCaches.clearSchemas(input.id);
    context.events.emit('connections.changed', { ids: [input.id] });
    return context.connections.get(updated!.id)!;
  },
  'connections.remove': async (input, context) => {
    const existing = context.connections.get(input.id);
    if (!existing) throw new AppError('E_NOT_FOUND', `No connection with id ${input.id}; it may already be removed.`);
    await revokeBeforeRemove(context, input.id);
    const removed = context.connections.remove(input.id);
    if (removed) context.events.emit('connections.changed', { ids: [input.id] });
    return { removed };
  },
};
