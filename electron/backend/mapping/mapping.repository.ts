import { randomUUID } from 'node:crypto';
import { mappingSchema, type Mapping, type MappingId } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import { stableHash } from '../../../shared/hash';
import { mappingGraphSchema } from '../../../shared/mapping/graph.model';
import type { Db } from '../store/database';

export type MappingInput = Omit<Mapping, 'id' | 'hash' | 'updatedAt' | 'sourceConnectionId' | 'targetConnectionId'> &
  Partial<Pick<Mapping, 'sourceConnectionId' | 'targetConnectionId'>> & { id?: string };

/** Saved mappings (tables `mappings`, `mapping_versions`): the design, the connections it was drawn against, every expression version. */
export interface MappingRepository {
  /** Creates or replaces a mapping and records its expression version. */
  save(input: MappingInput): Mapping;
  /** A missing mapping is `E_NOT_FOUND`. */
  get(id: MappingId | string): Mapping;
  /** By name, then creation order. */
  list(): Mapping[];
  /** The exact expression a past run used, by its hash. */
  expressionByHash(hash: string): string | undefined;
  /** Refused while a flow uses it. */
  remove(id: string): boolean;
}

export class SqliteMappingRepository implements MappingRepository {
  constructor(private readonly db: Db) {}

  save(input: MappingInput): Mapping {
    const now = new Date().toISOString();
    const mapping = mappingSchema.parse({
      ...input,
      id: input.id ?? randomUUID(),
      hash: stableHash(input.expression),
      updatedAt: now,
    });
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO mappings (id, name, source_entity, source_lines, target_entity, source_connection_id, target_connection_id, graph, expression, hash, updated_at)
           VALUES (@id, @name, @sourceEntity, @sourceLines, @targetEntity, @sourceConnectionId, @targetConnectionId, @graph, @expression, @hash, @updatedAt)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, source_entity = excluded.source_entity, source_lines = excluded.source_lines,
             target_entity = excluded.target_entity, source_connection_id = excluded.source_connection_id,
             target_connection_id = excluded.target_connection_id, graph = excluded.graph, expression = excluded.expression,
             hash = excluded.hash, updated_at = excluded.updated_at`,
        )
        .run({
          ...mapping,
          sourceLines: mapping.sourceLines ?? null,
          graph: mapping.graph === undefined ? null : JSON.stringify(mapping.graph),
        });
      this.db
        .prepare(
          'INSERT OR IGNORE INTO mapping_versions (hash, mapping_id, expression, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(mapping.hash, mapping.id, mapping.expression, now);
    })();
    return mapping;
  }

  get(id: MappingId | string): Mapping {
    const row = this.db.prepare('SELECT * FROM mappings WHERE id = ?').get(id) as MappingRow | undefined;
    if (!row) throw new AppError('E_NOT_FOUND', `No mapping with id ${id}.`);
    return toMapping(row);
  }

  /** By name, then in creation order (`seq`, unique): names may repeat. */
  list(): Mapping[] {
    return (this.db.prepare('SELECT * FROM mappings ORDER BY name, seq').all() as MappingRow[]).map(toMapping);
  }

  /** The exact expression a past run used, by its hash. */
  expressionByHash(hash: string): string | undefined {
    const row = this.db.prepare('SELECT expression FROM mapping_versions WHERE hash = ?').get(hash) as
      { expression: string } | undefined;
    return row?.expression;
  }

  /** Refused while a flow uses it: the flow would have nothing to run. */
  remove(id: string): boolean {
    const used = this.db
      .prepare("SELECT name FROM flows WHERE json_extract(definition, '$.mappingId') = ? ORDER BY seq LIMIT 1")
      .get(id) as { name: string } | undefined;
    if (used)
      throw new AppError('E_CONFLICT', `The mapping is used by the flow “${used.name}”; remove the flow first.`);
    return this.db.prepare('DELETE FROM mappings WHERE id = ?').run(id).changes > 0;
  }
}

interface MappingRow {
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

function toMapping(row: MappingRow): Mapping {
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
