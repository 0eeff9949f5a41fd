import { randomUUID } from 'node:crypto';
import { flowSchema, mappingSchema, type Flow, type FlowId, type Mapping, type MappingId } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import { stableHash } from '../../../shared/hash';
import type { Db } from '../store/database';

export type MappingInput = Omit<Mapping, 'id' | 'hash' | 'updatedAt'> & { id?: string };
export type FlowInput = Omit<Flow, 'id' | 'createdAt' | 'updatedAt'> & { id?: string };

/** Mappings and flows as stored designs; every expression version is kept for replays. */
export class FlowStore {
  constructor(private readonly db: Db) {}

  saveMapping(input: MappingInput): Mapping {
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
          `INSERT INTO mappings (id, name, source_entity, target_entity, graph, expression, hash, updated_at)
           VALUES (@id, @name, @sourceEntity, @targetEntity, @graph, @expression, @hash, @updatedAt)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, source_entity = excluded.source_entity,
             target_entity = excluded.target_entity, graph = excluded.graph, expression = excluded.expression,
             hash = excluded.hash, updated_at = excluded.updated_at`,
        )
        .run({ ...mapping, graph: mapping.graph === undefined ? null : JSON.stringify(mapping.graph) });
      this.db
        .prepare('INSERT OR IGNORE INTO mapping_versions (hash, mapping_id, expression, created_at) VALUES (?, ?, ?, ?)')
        .run(mapping.hash, mapping.id, mapping.expression, now);
    })();
    return mapping;
  }

  mapping(id: MappingId | string): Mapping {
    const row = this.db.prepare('SELECT * FROM mappings WHERE id = ?').get(id) as MappingRow | undefined;
    if (!row) throw new AppError('E_NOT_FOUND', `No mapping with id ${id}.`);
    return toMapping(row);
  }

  /** By name, then in creation order (`seq`, unique): names may repeat. */
  mappings(): Mapping[] {
    return (this.db.prepare('SELECT * FROM mappings ORDER BY name, seq').all() as MappingRow[]).map(toMapping);
  }

  /** The exact expression a past run used, by its hash. */
  expressionByHash(hash: string): string | undefined {
    const row = this.db.prepare('SELECT expression FROM mapping_versions WHERE hash = ?').get(hash) as
      | { expression: string }
      | undefined;
    return row?.expression;
  }

  removeMapping(id: string): boolean {
    const used = this.flows().find((flow) => flow.mappingId === id);
    if (used) throw new AppError('E_CONFLICT', `The mapping is used by the flow “${used.name}”; remove the flow first.`);
    return this.db.prepare('DELETE FROM mappings WHERE id = ?').run(id).changes > 0;
  }

  saveFlow(input: FlowInput): Flow {
    const now = new Date().toISOString();
    const existing = input.id ? this.findFlow(input.id) : undefined;
    const flow = flowSchema.parse({ ...input, id: input.id ?? randomUUID(), createdAt: existing?.createdAt ?? now, updatedAt: now });
    this.mapping(flow.mappingId);
    for (const dependency of flow.dependsOn) {
      if (dependency === flow.id) throw new AppError('E_INVALID_INPUT', 'A flow cannot depend on itself.');
      this.flow(dependency);
    }
    this.db
      .prepare(
        `INSERT INTO flows (id, name, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, definition = excluded.definition, updated_at = excluded.updated_at`,
      )
      .run(flow.id, flow.name, JSON.stringify(flow), flow.createdAt, flow.updatedAt);
    return flow;
  }

  findFlow(id: FlowId | string): Flow | undefined {
    const row = this.db.prepare('SELECT definition FROM flows WHERE id = ?').get(id) as { definition: string } | undefined;
    return row ? flowSchema.parse(JSON.parse(row.definition)) : undefined;
  }

  flow(id: FlowId | string): Flow {
    const flow = this.findFlow(id);
    if (!flow) throw new AppError('E_NOT_FOUND', `No flow with id ${id}.`);
    return flow;
  }

  /** In creation order (`seq`, unique): a bundle's flows come back as it installed them, even within one millisecond. */
  flows(): Flow[] {
    return (this.db.prepare('SELECT definition FROM flows ORDER BY seq').all() as Array<{ definition: string }>).map(
      (row) => flowSchema.parse(JSON.parse(row.definition)),
    );
  }

  /** Each flow's last change, cheaply: how a host notices flows another process on the same store changed. */
  stamps(): Map<string, string> {
    const rows = this.db.prepare('SELECT id, updated_at FROM flows').all() as Array<{ id: string; updated_at: string }>;
    return new Map(rows.map((row) => [row.id, row.updated_at]));
  }

  removeFlow(id: string): boolean {
    const dependent = this.flows().find((flow) => flow.dependsOn.includes(id as FlowId));
    if (dependent) throw new AppError('E_CONFLICT', `The flow “${dependent.name}” depends on it; change that flow first.`);
    return this.db.prepare('DELETE FROM flows WHERE id = ?').run(id).changes > 0;
  }
}

interface MappingRow {
  id: string;
  name: string;
  source_entity: string;
  target_entity: string;
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
    targetEntity: row.target_entity,
    graph: row.graph === null ? undefined : JSON.parse(row.graph),
    expression: row.expression,
    hash: row.hash,
    updatedAt: row.updated_at,
  });
}
