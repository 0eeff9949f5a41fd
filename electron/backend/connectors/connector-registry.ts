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
import { cin7Descriptor } from './cin7/cin7.descriptor';
import { dynamicsDescriptor } from './dynamics/dynamics.descriptor';
import { inforDescriptors } from './infor/infor.descriptor';
import { salesforceDescriptor } from './salesforce/salesforce.descriptor';
import { zendeskDescriptors } from './zendesk/zendesk.descriptor';
import { zohoDescriptor } from './zoho/zoho.descriptor';

export type ConnectorFactory = (environment: ConnectorEnvironment) => Connector;

/** One factory per system in the catalog (`shared/systems/catalog.ts`): a system without one does not compile. */
export const connectorFactories: Record<SystemId, ConnectorFactory> = {
  infor: (environment) => new InforConnector(environment),
  cin7: (environment) => createCin7Connector(environment),
  zendesk: (environment) => createZendeskConnector(environment),
  zoho: (environment) => createZohoConnector(environment),
  salesforce: (environment) => createSalesforceConnector(environment),
  dynamics: (environment) => createDynamicsConnector(environment),
};

/** The range `rateLimitPerMinute` may take per system (its descriptor's), checked when settings are saved. */
export const connectorRateRanges: Record<SystemId, { min: number; max: number } | undefined> = {
  infor: inforDescriptors.m3.rateLimit.configurable,
  zoho: zohoDescriptor.rateLimit.configurable,
  salesforce: salesforceDescriptor.rateLimit.configurable,
  zendesk: zendeskDescriptors.api_token.rateLimit.configurable,
  dynamics: dynamicsDescriptor.rateLimit.configurable,
  cin7: cin7Descriptor.rateLimit.configurable,
};

/**
 * Builds the connector of a saved connection: settings from the store,
 * secrets from the vault, the backend's shared HTTP client, schema cache and
 * token cache. Callers `close()` it when done (the shared client stays).
 */
export function openConnector(
  context: BackendContext,
  connectionId: string,
  extra: Partial<ConnectorEnvironment> = {},
): Connector {
  const connection = context.connections.get(connectionId);
  if (!connection) throw new AppError('E_NOT_FOUND', `No connection with id ${connectionId}.`);
  const factory = connectorFactories[connection.system];
  if (!factory) throw new AppError('E_INVALID_INPUT', `No connector for ${connection.system} is installed yet.`);
  return factory({
    connection: { id: connection.id, settings: connection.settings, sandbox: connection.sandbox },
    secrets: context.vault.getAll(connection.id),
    httpRegistry: context.http,
    schemaCache: new SchemaCache(context.asyncStore.connectionCaches),
    tokenStore: new SharedTokenStore(context.asyncStore.connectionCaches, context.vault, connection.id),
    // The backend's tuning applies to every opener (handlers, sync, samples), since
    // they share the connection's one HTTP client.
    ...context.connectorDefaults,
    ...extra,
  });
}
