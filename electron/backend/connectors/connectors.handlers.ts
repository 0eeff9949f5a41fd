import { connectionTestTimeoutMs, type ConnectionTestResult } from '../../../shared/api/connectors.contract';
import { tenantCheckReportSchema, type TenantCheckReport } from '../../../shared/connectors/infor-check';
import { AppError, isAppError } from '../../../shared/errors';
import type { Handlers } from '../api/dispatch';
import type { BackendContext } from '../context';
import { openConnector } from './connector-registry';
import type { Connector } from './framework/connector';
import { InforConnector } from './infor/infor.connector';
import { connectionHandlers } from '../connections/connections.handlers';
import { refreshSchema } from './schema-refresh';

/** What talks to a live system: connection tests and entity schemas. Saved connections themselves are in connections/connections.handlers. */
type ConnectorHandlers = Pick<
  Handlers,
  | 'connections.test'
  | 'connections.cancelTest'
  | 'connections.csiConfigurations'
  | 'connections.checkTenant'
  | 'connections.tenantCheck'
  | 'schemas.entities'
  | 'schemas.get'
  | 'schemas.refresh'
  | 'schemas.catalog'
  | 'schemas.addEntity'
>;

/** Tests in flight by request id, so `connections.cancelTest` can stop them. */
const runningTests = new Map<string, AbortController>();

/**
 * Signs in and reads a sample within `connectionTestTimeoutMs` in all, with no
 * retries for a host that cannot be reached: a test answers "what is wrong"
 * quickly, a sync rides out hiccups. Its own client (fresh breaker, own
 * counts), so the call count is this test's. An Infor connection whose product
 * line was neither chosen nor named by its scopes is detected here and saved.
 */
async function testConnection(context: BackendContext, id: string, requestId?: string): Promise<ConnectionTestResult> {
  const cancel = new AbortController();
  if (requestId) runningTests.get(requestId)?.abort();
  if (requestId) runningTests.set(requestId, cancel);
  const defaults = context.connectorDefaults?.http;
  const timeoutMs = Math.min(defaults?.timeoutMs ?? connectionTestTimeoutMs, connectionTestTimeoutMs);
  const signal = AbortSignal.any([cancel.signal, AbortSignal.timeout(timeoutMs)]);
  const http = { ...defaults, timeoutMs, signal, failFast: true };
  const started = performance.now();
  let calls = 0;
  let connector: Connector | undefined;
  try {
    connector = openConnector(context, id, { http });
    const connection = context.connections.get(id)!;
    if (
      connector instanceof InforConnector &&
      connection.settings.productLineChosen !== true &&
      connection.settings.productLineDetected !== true
    ) {
      const line = await connector.detectProductLine(signal);
      // Re-read: the person may have picked a product line while detection ran, and that choice wins.
      const latest = context.connections.get(id);
      if (line && latest && latest.settings.productLineChosen !== true) {
        context.connections.update(id, {
          settings: { ...latest.settings, productLine: line, productLineDetected: true },
        });
        // Schemas read for the guessed line describe another product's API.
        context.store.connectionCaches.clearSchemas(id);
        context.events.emit('connections.changed', { ids: [connection.id] });
      }
      calls += connector.callCount();
      const detector = connector;
      connector = undefined;
      await detector.close();
      connector = openConnector(context, id, { http });
    }
    const result = await connector.test({ signal });
    return { ...result, callCount: calls + connector.callCount() };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      callCount: calls + (connector?.callCount() ?? 0),
      error: { code: error.code, message: error.message },
    };
  } finally {
    await connector?.close();
    if (requestId && runningTests.get(requestId) === cancel) runningTests.delete(requestId);
  }
}

/**
 * The Infor tenant check on a saved connection: run within its own deadline, the settings it chose
 * applied to the connection (they were read from the tenant itself), and the report kept with the
 * connection for the card.
 */
async function checkTenant(context: BackendContext, id: string): Promise<TenantCheckReport> {
  const connector = openConnector(context, id, { http: { ...context.connectorDefaults?.http } });
  try {
    if (!(connector instanceof InforConnector))
      throw new AppError('E_INVALID_INPUT', 'Only an Infor connection has a tenant check.');
    const report = await connector.checkTenant();
    const latest = context.connections.get(id);
    if (latest) {
      const changed = Object.entries(report.settingsChosen).filter(
        ([key, value]) => String(latest.settings[key] ?? '') !== value,
      );
      if (changed.length > 0) {
        context.connections.update(id, { settings: { ...latest.settings, ...Object.fromEntries(changed) } });
        context.events.emit('connections.changed', { ids: [latest.id] });
      }
    }
    context.store.connectionCaches.putTenantCheck(id, report.checkedAt, JSON.stringify(report));
    return report;
  } finally {
    await connector.close();
  }
}

export const connectorHandlers: ConnectorHandlers = {
  'connections.test': (input, context) => testConnection(context, input.id, input.requestId),
  'connections.cancelTest': (input) => {
    const running = runningTests.get(input.requestId);
    running?.abort();
    return { cancelled: running !== undefined };
  },
  'connections.csiConfigurations': async (input, context) => {
    const connector = openConnector(context, input.id);
    try {
      if (!(connector instanceof InforConnector) || connector.productLine !== 'csi')
        throw new AppError('E_INVALID_INPUT', 'Only an Infor CloudSuite Industrial connection has IDO configurations.');
      return { configurations: await connector.csiConfigurations() };
    } finally {
      await connector.close();
    }
  },
  'connections.checkTenant': (input, context) => checkTenant(context, input.id),
  'connections.tenantCheck': (input, context) => {
    const stored = context.store.connectionCaches.tenantCheck(input.id);
    // A report the current schema cannot read (an older shape) is as good as none: run the check again.
    const parsed = stored ? tenantCheckReportSchema.safeParse(JSON.parse(stored)) : undefined;
    return { report: parsed?.success ? parsed.data : null };
  },
  'schemas.entities': async (input, context) => {
    const connector = openConnector(context, input.connectionId);
    try {
      return connector.entities();
    } finally {
      await connector.close();
    }
  },
  'schemas.catalog': async (input, context) => {
    const connector = openConnector(context, input.connectionId);
    try {
      if (!connector.catalog)
        throw new AppError(
          'E_INVALID_INPUT',
          `${connector.descriptor.label} offers a fixed set of entities to browse.`,
        );
      return await connector.catalog({ search: input.search, kind: input.kind });
    } finally {
      await connector.close();
    }
  },
  'schemas.addEntity': async (input, context) => {
    const connector = openConnector(context, input.connectionId);
    let entry;
    try {
      if (!connector.catalogEntry)
        throw new AppError('E_INVALID_INPUT', `${connector.descriptor.label} offers a fixed set of entities.`);
      entry = await connector.catalogEntry(input.kind, input.name, { table: input.table, keys: input.keys });
    } finally {
      await connector.close();
    }
    const connection = context.connections.get(input.connectionId)!;
    const text = connection.settings.entitySources;
    const sources = (typeof text === 'string' && text.trim() ? JSON.parse(text) : {}) as Record<string, unknown>;
    sources[entry.id] = {
      ...entry.source,
      ...(input.label ? { label: input.label } : {}),
    };
    // Through the ordinary update: the settings check runs, and cached schemas and clients are dropped.
    await connectionHandlers['connections.update'](
      { id: input.connectionId, settings: { entitySources: JSON.stringify(sources) } },
      context,
    );
    const updated = openConnector(context, input.connectionId);
    try {
      const entities = updated.entities();
      const entity = entities.find((candidate) => candidate.id === entry.id);
      if (!entity) throw new AppError('E_INTERNAL', `The entity ${entry.id} was stored but is not offered.`);
      return { entity, entities };
    } finally {
      await updated.close();
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
  'schemas.refresh': (input, context) => refreshSchema(context, input.connectionId, input.entity),
};
