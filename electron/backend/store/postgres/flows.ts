import { randomUUID } from 'node:crypto';
import { flowSchema, type Flow, type FlowId } from '../../../../shared/domain/flow';
import { AppError } from '../../../../shared/errors';
import type { FlowInput } from '../../sync/flows.repository';
import type { AsyncFlowRepository, AsyncMappingRepository } from '../async-store';
import type { Sql } from './sql';

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
