import type { SystemId } from '../../../shared/domain/connection';
import { AppError } from '../../../shared/errors';
import type { BackendContext } from '../context';
import type { Connector } from './framework/connector';
import type { ConnectorEnvironment } from './framework/connector-runtime';
import { SchemaCache } from './framework/schema-cache';
import { SharedTokenStore } from './framework/token-store';
import { InforConnector } from './infor/infor.connector';
import { createCin7Connector } from './cin7/cin7.connector';
import { createZendeskConnector } from './zendesk/zendesk.connector';
import { createZohoConnector } from './zoho/zoho.connector';
import { createSalesforceConnector } from './salesforce/salesforce.connector';
import { createDynamicsConnector } from './dynamics/dynamics.connector';

export type ConnectorFactory = (environment: ConnectorEnvironment) => Connector;

/** One factory per system; each connector area adds its line here. */
export const connectorFactories: Partial<Record<SystemId, ConnectorFactory>> = {
  infor: (environment) => new InforConnector(environment),
  cin7: (environment) => createCin7Connector(environment),
  zendesk: (environment) => createZendeskConnector(environment),
  zoho: (environment) => createZohoConnector(environment),
  salesforce: (environment) => createSalesforceConnector(environment),
  dynamics: (environment) => createDynamicsConnector(environment),
};

/**
 * Builds the connector of a saved connection: settings from the store,
 * secrets from the vault, the backend's shared HTTP client, schema cache and
 * token cache. Callers `close()` it when done (the shared client stays).
 */
export function openConnector(context: BackendContext, connectionId: string, extra: Partial<ConnectorEnvironment> = {}): Connector {
  const connection = context.connections.get(connectionId);
  if (!connection) throw new AppError('E_NOT_FOUND', `No connection with id ${connectionId}.`);
  const factory = connectorFactories[connection.system];
  if (!factory) throw new AppError('E_INVALID_INPUT', `No connector for ${connection.system} is installed yet.`);
  return factory({
    connection: { id: connection.id, settings: connection.settings, sandbox: connection.sandbox },
    secrets: context.vault.getAll(connection.id),
    httpRegistry: context.http,
    schemaCache: new SchemaCache(context.store.connectionCaches),
    tokenStore: new SharedTokenStore(context.store.connectionCaches, context.vault, connection.id),
    // The backend's tuning applies to every opener (handlers, sync, samples), since
    // they share the connection's one HTTP client.
    ...context.connectorDefaults,
    ...extra,
  });
}
