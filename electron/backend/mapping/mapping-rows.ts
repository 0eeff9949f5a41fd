import { mappingSchema, type Mapping } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import { diffMappings, type MappingChange } from '../../../shared/mapping/diff';
import { mappingGraphSchema } from '../../../shared/mapping/graph.model';
import type { MappingInput, MappingUser, MappingVersion, MappingVersionInfo } from './mapping.repository';

/*
 * What the SQLite (mapping.repository.ts) and PostgreSQL (store/postgres/mappings.ts) mapping
 * repositories share: their rows read back as the same values (PostgreSQL's instants as the same ISO
 * text, see store/postgres/sql.ts), so one mapping from rows, one rule for when a save is a new
 * version, one semantic diff and the same error texts serve both.
 */

/** A mappings row. */
export interface MappingRow {
  id: string;
  name: string;
  source_entity: string;
  source_lines: string | null;
  target_entity: string;
  source_connection_id: string | null;
  target_connection_id: string | null;
  graph: string | null;
  expression: string;
  hash: string;
  updated_at: string;
}

/** A mapping_history row: one numbered version of a mapping's whole design. */
export interface HistoryRow {
  mapping_id: string;
  version: number;
  name: string;
  source_entity: string;
  source_lines: string | null;
  target_entity: string;
  graph: string | null;
  expression: string;
  hash: string;
  created_at: string;
  restored_from: number | null;
}

export function toMapping(row: MappingRow): Mapping {
  return mappingSchema.parse({
    id: row.id,
    name: row.name,
    sourceEntity: row.source_entity,
    ...(row.source_lines ? { sourceLines: row.source_lines } : {}),
    targetEntity: row.target_entity,
    sourceConnectionId: row.source_connection_id,
    targetConnectionId: row.target_connection_id,
    graph: storedGraph(row.graph),
    expression: row.expression,
    hash: row.hash,
    updatedAt: row.updated_at,
  });
}

export function versionInfo(row: HistoryRow, current: boolean): MappingVersionInfo {
  return {
    version: row.version,
    name: row.name,
    hash: row.hash,
    createdAt: row.created_at,
    restoredFrom: row.restored_from,
    current,
  };
}

/** A version with its design; `current` when it is the mapping's newest version. */
export function toVersion(row: HistoryRow, current: boolean): MappingVersion {
  return {
    ...versionInfo(row, current),
    sourceEntity: row.source_entity,
    ...(row.source_lines ? { sourceLines: row.source_lines } : {}),
    targetEntity: row.target_entity,
    graph: storedGraph(row.graph),
    expression: row.expression,
  };
}

/** Whether a saved mapping has the design of a version (`graph`: the mapping's graph as stored). */
export function sameDesign(row: HistoryRow, mapping: Mapping, graph: string | null): boolean {
  return (
    row.hash === mapping.hash &&
    row.graph === graph &&
    row.source_entity === mapping.sourceEntity &&
    (row.source_lines ?? undefined) === mapping.sourceLines &&
    row.target_entity === mapping.targetEntity
  );
}

/** What Restore saves: the past version's design under the mapping's current name and connections. */
export function restoredDesign(current: Mapping, past: MappingVersion): MappingInput {
  return {
    id: current.id,
    name: current.name,
    sourceEntity: past.sourceEntity,
    ...(past.sourceLines ? { sourceLines: past.sourceLines } : {}),
    targetEntity: past.targetEntity,
    sourceConnectionId: current.sourceConnectionId,
    targetConnectionId: current.targetConnectionId,
    ...(past.graph ? { graph: past.graph } : {}),
    expression: past.expression,
  };
}

/**
 * The semantic changes between two designs: field by field from the graphs (`diffMappings`), plus the
 * entities. A version saved without a graph (by the API alone) can only be compared by its JSONata.
 */
export function designChanges(before: MappingVersion, after: MappingVersion): MappingChange[] {
  const changes: MappingChange[] = [];
  const entity = (label: string, was: string | undefined, now: string | undefined): void => {
    if (was !== now)
      changes.push({
        field: '',
        kind: 'changed',
        message: `${label} changed from ${was ?? '(whole records)'} to ${now ?? '(whole records)'}`,
        nodeIds: [],
      });
  };
  entity('Source entity', before.sourceEntity, after.sourceEntity);
  entity('Source lines', before.sourceLines, after.sourceLines);
  entity('Target entity', before.targetEntity, after.targetEntity);
  if (before.graph && after.graph) changes.push(...diffMappings(before.graph, after.graph));
  else if (before.expression !== after.expression)
    changes.push({ field: '', kind: 'changed', message: 'The JSONata expression changed', nodeIds: [] });
  return changes;
}

/** “Customers (copy)”, then “Customers (copy 2)”… — a name no mapping has yet. */
export function copyName(name: string, taken: Set<string>): string {
  const base = `${name} (copy)`.slice(0, 200);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const next = `${name} (copy ${n})`.slice(0, 200);
    if (!taken.has(next)) return next;
  }
}

export const noMapping = (id: string): AppError => new AppError('E_NOT_FOUND', `No mapping with id ${id}.`);

export const noVersion = (id: string, version: number): AppError =>
  new AppError('E_NOT_FOUND', `The mapping ${id} has no version ${version}.`);

export const noVersions = (id: string): AppError =>
  new AppError('E_NOT_FOUND', `The mapping ${id} has no saved versions.`);

/**
 * The refusal to remove a mapping flows run: it names every such flow (details.flows) so the person
 * knows what to change first.
 */
export function mappingInUse(users: MappingUser[]): AppError {
  const one = users.length === 1;
  const names = users.map((flow) => `“${flow.name}”`).join(', ');
  return new AppError(
    'E_CONFLICT',
    `The mapping is used by ${one ? 'the flow' : `${users.length} flows:`} ${names}; remove ${one ? 'that flow' : 'those flows'} or give ${one ? 'it' : 'them'} another mapping first.`,
    { flows: users },
  );
}

/**
 * The stored graph when it is one this version can draw. The column held any JSON before the graph
 * was typed; a graph it cannot read is left out rather than making the mapping unreadable, and the
 * designer draws the mapping from its JSONata instead (as it always did for such graphs).
 */
function storedGraph(text: string | null): Mapping['graph'] {
  if (text === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const graph = mappingGraphSchema.safeParse(value);
  return graph.success ? graph.data : undefined;
}
