import { randomUUID } from 'node:crypto';
import { flowSchema, mappingSchema, type Flow, type FlowId, type Mapping } from '../../../../shared/domain/flow';
import { AppError } from '../../../../shared/errors';
import { stableHash } from '../../../../shared/hash';
import { toMapping, type MappingInput, type MappingRow } from '../../mapping/mapping.repository';
import type { FlowInput } from '../../sync/flows.repository';
import type { AsyncFlowRepository, AsyncMappingRepository } from '../async-store';
import type { Sql } from './sql';

/** SqliteMappingRepository's semantics (mapping/mapping.repository.ts) in PostgreSQL. */
export class PgMappingRepository implements AsyncMappingRepository {
  constructor(private readonly sql: Sql) {}

  async save(input: MappingInput): Promise<Mapping> {
    const now = new Date().toISOString();
    const mapping = mappingSchema.parse({
      ...input,
      id: input.id ?? randomUUID(),
      hash: stableHash(input.expression),
      updatedAt: now,
    });
    await this.sql.tx(async (sql) => {
      await sql.query(
        `INSERT INTO mappings (id, name, source_entity, source_lines, target_entity, source_connection_id, target_connection_id, graph, expression, hash, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, source_entity = excluded.source_entity, source_lines = excluded.source_lines,
           target_entity = excluded.target_entity, source_connection_id = excluded.source_connection_id,
           target_connection_id = excluded.target_connection_id, graph = excluded.graph, expression = excluded.expression,
           hash = excluded.hash, updated_at = excluded.updated_at`,
        [
          mapping.id,
          mapping.name,
          mapping.sourceEntity,
          mapping.sourceLines ?? null,
          mapping.targetEntity,
          mapping.sourceConnectionId ?? null,
          mapping.targetConnectionId ?? null,
          mapping.graph === undefined ? null : JSON.stringify(mapping.graph),
          mapping.expression,
          mapping.hash,
          mapping.updatedAt,
        ],
      );
      await sql.query(
        'INSERT INTO mapping_versions (hash, mapping_id, expression, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING',
        [mapping.hash, mapping.id, mapping.expression, now],
      );
    });
    return mapping;
  }

  async get(id: string): Promise<Mapping> {
    const row = (await this.sql.query<MappingRow>('SELECT * FROM mappings WHERE id = $1', [id]))[0];
    if (!row) throw new AppError('E_NOT_FOUND', `No mapping with id ${id}.`);
    return toMapping(row);
  }

  /** By name, then creation order. Names compare in byte order (COLLATE "C"), as SQLite's BINARY. */
  async list(): Promise<Mapping[]> {
    return (await this.sql.query<MappingRow>('SELECT * FROM mappings ORDER BY name COLLATE "C", seq')).map(toMapping);
  }

  async expressionByHash(hash: string): Promise<string | undefined> {
    return (
      await this.sql.query<{ expression: string }>('SELECT expression FROM mapping_versions WHERE hash = $1', [hash])
    )[0]?.expression;
  }

  async remove(id: string): Promise<boolean> {
    const used = (
      await this.sql.query<{ name: string }>(
        "SELECT name FROM flows WHERE definition::jsonb ->> 'mappingId' = $1 ORDER BY seq LIMIT 1",
        [id],
      )
    )[0];
    if (used)
      throw new AppError('E_CONFLICT', `The mapping is used by the flow “${used.name}”; remove the flow first.`);
    return (await this.sql.query('DELETE FROM mappings WHERE id = $1 RETURNING id', [id])).length > 0;
  }
}

/** SqliteFlowRepository's semantics (sync/flows.repository.ts) in PostgreSQL. */
export class PgFlowRepository implements AsyncFlowRepository {
  constructor(
    private readonly sql: Sql,
    private readonly mappings: AsyncMappingRepository,
  ) {}

  async saveFlow(input: FlowInput): Promise<Flow> {
    const now = new Date().toISOString();
    const existing = input.id ? await this.findFlow(input.id) : undefined;
    const flow = flowSchema.parse({
      ...input,
      id: input.id ?? randomUUID(),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    await this.mappings.get(flow.mappingId);
    if (flow.parent) {
      if (!flow.source.each)
        throw new AppError(
          'E_INVALID_INPUT',
          'A flow with a parent flow writes one record per line: choose the source list its lines come from.',
        );
      if (!flow.dependsOn.includes(flow.parent.flowId)) flow.dependsOn.push(flow.parent.flowId);
    }
    for (const dependency of flow.dependsOn) {
      if (dependency === flow.id) throw new AppError('E_INVALID_INPUT', 'A flow cannot depend on itself.');
      await this.flow(dependency);
    }
    await this.sql.query(
      `INSERT INTO flows (id, name, definition, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, definition = excluded.definition, updated_at = excluded.updated_at`,
      [flow.id, flow.name, JSON.stringify(flow), flow.createdAt, flow.updatedAt],
    );
    return flow;
  }

  async findFlow(id: FlowId | string): Promise<Flow | undefined> {
    const row = (await this.sql.query<{ definition: string }>('SELECT definition FROM flows WHERE id = $1', [id]))[0];
    return row ? flowSchema.parse(JSON.parse(row.definition)) : undefined;
  }

  async flow(id: FlowId | string): Promise<Flow> {
    const flow = await this.findFlow(id);
    if (!flow) throw new AppError('E_NOT_FOUND', `No flow with id ${id}.`);
    return flow;
  }

  async flows(): Promise<Flow[]> {
    return (await this.sql.query<{ definition: string }>('SELECT definition FROM flows ORDER BY seq')).map((row) =>
      flowSchema.parse(JSON.parse(row.definition)),
    );
  }

  async stamps(): Promise<Map<string, string>> {
    const rows = await this.sql.query<{ id: string; updated_at: string }>('SELECT id, updated_at FROM flows');
    return new Map(rows.map((row) => [row.id, row.updated_at]));
  }

  async removeFlow(id: string): Promise<boolean> {
    const dependent = (await this.flows()).find((flow) => flow.dependsOn.includes(id as FlowId));
    if (dependent)
      throw new AppError('E_CONFLICT', `The flow “${dependent.name}” depends on it; change that flow first.`);
    return (await this.sql.query('DELETE FROM flows WHERE id = $1 RETURNING id', [id])).length > 0;
  }
}
