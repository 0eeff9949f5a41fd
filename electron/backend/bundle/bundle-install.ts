import { requiredSecretKeys } from '../../../shared/bundle/bundle-secrets';
import type { Bundle, BundleConnection } from '../../../shared/bundle/bundle.schema';
import type { Connection, ConnectionId } from '../../../shared/domain/connection';
import { flowSchema, type Flow, type Mapping } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import { canonicalJson } from '../../../shared/hash';
import { validConnectionSettings } from '../connections/connection-settings';
import type { BackendContext } from '../context';
import { dependencyOrder } from '../sync/dependency-order';
import { flowsChanged } from '../sync/sync.service';
import type { AsyncStoreRepositories } from '../store/async-store';

export interface InstalledConnection {
  id: ConnectionId;
  name: string;
  status: 'created' | 'updated' | 'kept';
  missingSecrets: string[];
}

/** What an import did to one mapping or flow: new here, changed, or already identical (left untouched). */
export interface InstalledItem {
  id: string;
  name: string;
  status: 'created' | 'updated' | 'kept';
}

export interface InstallReport {
  connections: InstalledConnection[];
  mappings: number;
  flows: number;
  items: { mappings: InstalledItem[]; flows: InstalledItem[] };
}

/**
 * Saves a checked bundle into a store: connections by their bundle id (created
 * without secrets, or kept/replaced), mappings (same expression, same hash, so
 * audit rows and replays line up with the desktop's) and flows in dependency
 * order. Ids are kept, so importing the same bundle again updates in place. Into the engine's store
 * (`context.asyncStore`): the data folder's SQLite store, or PostgreSQL for `mlc … --store`.
 */
export async function installBundle(
  context: BackendContext,
  bundle: Bundle,
  mode: 'keep' | 'replace' = 'keep',
): Promise<InstallReport> {
  const store = context.asyncStore;
  const installed = await store.transaction(async (tx) => {
    const done: StoredConnection[] = [];
    // One at a time: a transaction's calls are awaited in turn (see AsyncStore.transaction).
    for (const connection of bundle.connections) done.push(await installConnection(tx, connection, mode));
    return done;
  });
  // Secrets stay in the data folder's vault whatever the store (headless runs bind their own).
  const connections = installed.map(({ current, status }): InstalledConnection => {
    const have = new Set(context.vault.slots(current.id));
    return {
      id: current.id,
      name: current.name,
      status,
      missingSecrets: requiredSecretKeys(current.system, current.settings).filter((key) => !have.has(key)),
    };
  });
  const before = new Map((await store.mappings.list()).map((mapping) => [mapping.id as string, mapping]));
  const mappings: InstalledItem[] = [];
  for (const mapping of bundle.mappings) {
    const existing = before.get(mapping.id);
    const input = {
      id: mapping.id,
      name: mapping.name,
      sourceEntity: mapping.sourceEntity,
      // A mapping of one line of an order (order lines) stays one.
      ...(mapping.sourceLines ? { sourceLines: mapping.sourceLines } : {}),
      targetEntity: mapping.targetEntity,
      // A bundle that does not say which connections the mapping was drawn against leaves what this store knows.
      sourceConnectionId: mapping.sourceConnectionId ?? existing?.sourceConnectionId ?? null,
      targetConnectionId: mapping.targetConnectionId ?? existing?.targetConnectionId ?? null,
      graph: mapping.graph,
      expression: mapping.expression,
    };
    const status = !existing
      ? 'created'
      : sameDesign(mappingDesign(existing), mappingDesign(input))
        ? 'kept'
        : 'updated';
    // Identical designs stay untouched: their "updated" time keeps meaning something.
    if (status !== 'kept') await store.mappings.save(input);
    mappings.push({ id: mapping.id, name: mapping.name, status });
  }
  // Reproducible exports carry no time: the stamps only satisfy the Flow shape (the repository keeps its own).
  const stampedAt = bundle.createdAt ?? new Date().toISOString();
  const stamped = bundle.flows.map((flow) => ({ ...flow, createdAt: stampedAt, updatedAt: stampedAt }) as Flow);
  const flowStatus = new Map<string, InstalledItem['status']>();
  for (const flow of dependencyOrder(stamped)) {
    const { createdAt: _created, updatedAt: _updated, ...input } = flow;
    const existing = await store.flows.findFlow(flow.id);
    const status = !existing ? 'created' : sameDesign(flowDesign(existing), flowDesign(flow)) ? 'kept' : 'updated';
    if (status !== 'kept') await store.flows.saveFlow(input);
    flowStatus.set(flow.id, status);
  }
  // Imported schedules start at once in a host that runs its scheduler (desktop, `mlc studio`).
  flowsChanged(
    context,
    [...flowStatus].filter(([, status]) => status !== 'kept').map(([id]) => id),
  );
  if (connections.length > 0)
    context.events.emit('connections.changed', { ids: connections.map((connection) => connection.id) });
  const flows = bundle.flows.map((flow): InstalledItem => ({
    id: flow.id,
    name: flow.name,
    status: flowStatus.get(flow.id) ?? 'created',
  }));
  return { connections, mappings: bundle.mappings.length, flows: bundle.flows.length, items: { mappings, flows } };
}

/** What makes two mappings the same design (ids and timestamps aside). */
function mappingDesign(
  mapping: Pick<
    Mapping,
    | 'name'
    | 'sourceEntity'
    | 'sourceLines'
    | 'targetEntity'
    | 'sourceConnectionId'
    | 'targetConnectionId'
    | 'graph'
    | 'expression'
  >,
): unknown {
  const { name, sourceEntity, targetEntity, sourceConnectionId, targetConnectionId, expression } = mapping;
  return {
    name,
    sourceEntity,
    sourceLines: mapping.sourceLines ?? null,
    targetEntity,
    sourceConnectionId,
    targetConnectionId,
    graph: mapping.graph ?? null,
    expression,
  };
}

/** A flow as the schema normalises it (defaults filled), without its timestamps. */
function flowDesign(flow: Flow): unknown {
  const { createdAt: _created, updatedAt: _updated, ...design } = flowSchema.parse(flow);
  return design;
}

const sameDesign = (left: unknown, right: unknown) => canonicalJson(left) === canonicalJson(right);

/** A connection as the store holds it after the install, and what the install did. */
interface StoredConnection {
  current: Connection;
  status: InstalledConnection['status'];
}

async function installConnection(
  store: Pick<AsyncStoreRepositories, 'connections' | 'connectionCaches'>,
  bundled: BundleConnection,
  mode: 'keep' | 'replace',
): Promise<StoredConnection> {
  // Stored as `connections.create` stores them (trimmed, numbers as numbers), so connectors and the next compare see one form.
  const connection = { ...bundled, settings: validConnectionSettings(bundled.system, bundled.settings) };
  const existing = await store.connections.get(connection.id);
  let status: InstalledConnection['status'];
  if (!existing) {
    await store.connections.create({
      id: connection.id,
      system: connection.system,
      name: connection.name,
      settings: connection.settings,
      sandbox: connection.sandbox,
    });
    status = 'created';
  } else {
    if (existing.system !== connection.system) {
      throw new AppError(
        'E_CONFLICT',
        `The connection ${connection.id} is ${existing.system} here but ${connection.system} in the bundle; remove one of them first.`,
      );
    }
    const same =
      existing.name === connection.name &&
      existing.sandbox === connection.sandbox &&
      canonicalJson(existing.settings) === canonicalJson(connection.settings);
    if (mode === 'replace' && !same) {
      await store.connections.update(connection.id, {
        name: connection.name,
        settings: connection.settings,
        sandbox: connection.sandbox,
      });
      // Hosts may differ now: cached schemas and tokens belong to the old settings.
      await store.connectionCaches.clearSchemas(connection.id);
      await store.connectionCaches.clearToken(connection.id);
      status = 'updated';
    } else {
      status = 'kept';
    }
  }
  return { current: (await store.connections.get(connection.id))!, status };
}
