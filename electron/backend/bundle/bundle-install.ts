import { requiredSecretKeys } from '../../../shared/bundle/bundle-secrets';
import type { Bundle, BundleConnection } from '../../../shared/bundle/bundle.schema';
import type { ConnectionId } from '../../../shared/domain/connection';
import { flowSchema, type Flow, type Mapping } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import { canonicalJson } from '../../../shared/hash';
import { validConnectionSettings } from '../connections/connection-settings';
import type { BackendContext } from '../context';
import { dependencyOrder } from '../sync/dependency-order';
import { flowsChanged, syncService } from '../sync/sync.service';

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
 * order. Ids are kept, so importing the same bundle again updates in place.
 */
export function installBundle(
  context: BackendContext,
  bundle: Bundle,
  mode: 'keep' | 'replace' = 'keep',
): InstallReport {
  const service = syncService(context);
  const connections = context.store.transaction(() =>
    bundle.connections.map((connection) => installConnection(context, connection, mode)),
  );
  const before = new Map(service.mappings.list().map((mapping) => [mapping.id as string, mapping]));
  const mappings = bundle.mappings.map((mapping): InstalledItem => {
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
    if (status !== 'kept') service.mappings.save(input);
    return { id: mapping.id, name: mapping.name, status };
  });
  // Reproducible exports carry no time: the stamps only satisfy the Flow shape (the repository keeps its own).
  const stampedAt = bundle.createdAt ?? new Date().toISOString();
  const stamped = bundle.flows.map((flow) => ({ ...flow, createdAt: stampedAt, updatedAt: stampedAt }) as Flow);
  const flowStatus = new Map<string, InstalledItem['status']>();
  for (const flow of dependencyOrder(stamped)) {
    const { createdAt: _created, updatedAt: _updated, ...input } = flow;
    const existing = service.flows.findFlow(flow.id);
    const status = !existing ? 'created' : sameDesign(flowDesign(existing), flowDesign(flow)) ? 'kept' : 'updated';
    if (status !== 'kept') service.flows.saveFlow(input);
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

function installConnection(
  context: BackendContext,
  bundled: BundleConnection,
  mode: 'keep' | 'replace',
): InstalledConnection {
  // Stored as `connections.create` stores them (trimmed, numbers as numbers), so connectors and the next compare see one form.
  const connection = { ...bundled, settings: validConnectionSettings(bundled.system, bundled.settings) };
  const existing = context.connections.get(connection.id);
  let status: InstalledConnection['status'];
  if (!existing) {
    context.connections.create({
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
      context.connections.update(connection.id, {
        name: connection.name,
        settings: connection.settings,
        sandbox: connection.sandbox,
      });
      // Hosts may differ now: cached schemas and tokens belong to the old settings.
      context.store.connectionCaches.clearSchemas(connection.id);
      context.store.connectionCaches.clearToken(connection.id);
      status = 'updated';
    } else {
      status = 'kept';
    }
  }
  const current = context.connections.get(connection.id)!;
  const have = new Set(context.vault.slots(connection.id));
  return {
    id: current.id,
    name: current.name,
    status,
    missingSecrets: requiredSecretKeys(current.system, current.settings).filter((key) => !have.has(key)),
  };
}
