import { randomUUID } from 'node:crypto';
import { flowSchema, type Flow, type FlowId } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import type { MappingRepository } from '../mapping/mapping.repository';
import type { Db } from '../store/database';

export type FlowInput = Omit<Flow, 'id' | 'createdAt' | 'updatedAt'> & { id?: string };

/** Flows as stored designs (table `flows`); the mappings they run are in the mapping repository. */
export interface FlowRepository {
  /** Creates or replaces a flow; its mapping and dependencies must exist. */
  saveFlow(input: FlowInput): Flow;
  findFlow(id: FlowId | string): Flow | undefined;
  /** Like `findFlow`, but a missing flow is `E_NOT_FOUND`. */
  flow(id: FlowId | string): Flow;
  /** In creation order. */
  flows(): Flow[];
  /** Each flow's last change time by id. */
  stamps(): Map<string, string>;
  /** Refused while another flow depends on it. */
  removeFlow(id: string): boolean;
}

export class SqliteFlowRepository implements FlowRepository {
  constructor(
    private readonly db: Db,
    private readonly mappings: MappingRepository,
  ) {}

  saveFlow(input: FlowInput): Flow {
    const now = new Date().toISOString();
    const existing = input.id ? this.findFlow(input.id) : undefined;
    const flow = flowSchema.parse({
      ...input,
      id: input.id ?? randomUUID(),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    this.mappings.get(flow.mappingId);
    if (flow.parent) {
      if (!flow.source.each)
        throw new AppError(
          'E_INVALID_INPUT',
          'A flow with a parent flow writes one record per line: choose the source list its lines come from.',
        );
      // The parent runs first: the lines need its target ids. Stored as a plain dependency so every
      // host that orders flows (passes, the scheduler, bundles) sees it.
      if (!flow.dependsOn.includes(flow.parent.flowId)) flow.dependsOn.push(flow.parent.flowId);
    }
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
    const row = this.db.prepare('SELECT definition FROM flows WHERE id = ?').get(id) as
      { definition: string } | undefined;
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
    if (dependent)
      throw new AppError('E_CONFLICT', `The flow “${dependent.name}” depends on it; change that flow first.`);
    return this.db.prepare('DELETE FROM flows WHERE id = ?').run(id).changes > 0;
  }
}
