import type { SchemaDriftFinding, SchemaRefresh } from '../../../shared/api/schemas.contract';
import { refreshDrift } from '../../../shared/bundle/schema-drift';
import type { EntitySchema } from '../../../shared/domain/entity-schema';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import type { BackendContext } from '../context';
import { syncService } from '../sync/sync.service';
import { openConnector } from './connector-registry';
import { SchemaCache } from './framework/schema-cache';

/**
 * Reads an entity's schema again and names what the change breaks in saved mappings. The schema
 * cached before the refresh is what the mappings were last drawn or checked against (the Mapper
 * reads through the same cache), so comparing it with the fresh one is what an export's snapshot
 * would show against the live system.
 */
export async function refreshSchema(
  context: BackendContext,
  connectionId: string,
  entity: string,
): Promise<SchemaRefresh> {
  const before = await new SchemaCache(context.asyncStore.connectionCaches).get(connectionId, entity);
  const connector = openConnector(context, connectionId);
  let schema: EntitySchema;
  try {
    schema = await connector.schema(entity, { refresh: true });
  } finally {
    await connector.close();
  }
  const changed = before !== undefined && before.hash !== schema.hash;
  return { schema, changed, drift: changed ? driftInMappings(context, connectionId, before, schema) : [] };
}

function driftInMappings(
  context: BackendContext,
  connectionId: string,
  before: EntitySchema,
  after: EntitySchema,
): SchemaDriftFinding[] {
  const service = syncService(context);
  const flows = service.flows.flows();
  const findings: SchemaDriftFinding[] = [];
  for (const mapping of service.mappings.list()) {
    for (const side of ['source', 'target'] as const) {
      if (mapping[side === 'source' ? 'sourceEntity' : 'targetEntity'] !== before.entity) continue;
      const users = flows.filter((flow) => flow.mappingId === mapping.id && flow[side].connectionId === connectionId);
      if (users.length === 0 && boundConnection(mapping, side) !== connectionId) continue;
      let found;
      try {
        found = refreshDrift(mapping, side, before, after);
      } catch {
        continue; // A graph that does not index fails validation in the Mapper on its own.
      }
      for (const finding of found)
        findings.push({
          ...finding,
          mappingId: mapping.id,
          mapping: mapping.name,
          flows: users.map((flow: Flow) => ({ id: flow.id, name: flow.name })),
        });
    }
  }
  // A total order: the report reads the same on every refresh.
  const key = (finding: SchemaDriftFinding) =>
    [finding.mapping, finding.mappingId, finding.side, finding.field].join('\u0000');
  return findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The connection the designer drew this side against, when it was recorded. */
function boundConnection(mapping: Mapping, side: 'source' | 'target'): string | null {
  return side === 'source' ? mapping.sourceConnectionId : mapping.targetConnectionId;
}
