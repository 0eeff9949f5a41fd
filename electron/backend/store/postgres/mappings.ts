import { randomUUID } from 'node:crypto';
import { mappingSchema, type Mapping } from '../../../../shared/domain/flow';
import { stableHash } from '../../../../shared/hash';
import {
  copyName,
  designChanges,
  mappingInUse,
  noMapping,
  noVersion,
  noVersions,
  restoredDesign,
  sameDesign,
  toMapping,
  toVersion,
  versionInfo,
  type HistoryRow,
  type MappingRow,
} from '../../mapping/mapping-rows';
import type {
  MappingInput,
  MappingUser,
  MappingVersion,
  MappingVersionDiff,
  MappingVersionInfo,
} from '../../mapping/mapping.repository';
import type { AsyncMappingRepository } from '../async-store';
import type { Sql } from './sql';

/**
 * SqliteMappingRepository's semantics (mapping/mapping.repository.ts) in PostgreSQL, sharing its rows,
 * version rule, diff and texts (mapping-rows.ts). Two saves of one mapping at once cannot both take the
 * next version number: the upsert locks the mapping's row until its transaction ends, so the second
 * reads the first's version (READ COMMITTED reads afresh per statement) before numbering its own.
 */
export class PgMappingRepository implements AsyncMappingRepository {
  constructor(private readonly sql: Sql) {}

  save(input: MappingInput): Promise<Mapping> {
    return this.store(input, null);
  }

  private async store(input: MappingInput, restoredFrom: number | null): Promise<Mapping> {
    const now = new Date().toISOString();
    const mapping = mappingSchema.parse({
      ...input,
      id: input.id ?? randomUUID(),
      hash: stableHash(input.expression),
      updatedAt: now,
    });
    const graph = mapping.graph === undefined ? null : JSON.stringify(mapping.graph);
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
          graph,
          mapping.expression,
          mapping.hash,
          mapping.updatedAt,
        ],
      );
      await sql.query(
        'INSERT INTO mapping_versions (hash, mapping_id, expression, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING',
        [mapping.hash, mapping.id, mapping.expression, now],
      );
      await recordVersion(sql, mapping, graph, restoredFrom);
    });
    return mapping;
  }

  async get(id: string): Promise<Mapping> {
    const row = (await this.sql.query<MappingRow>('SELECT * FROM mappings WHERE id = $1', [id]))[0];
    if (!row) throw noMapping(id);
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

  /** Refused while flows use it (naming them all); its History goes with it, its expression versions stay. */
  async remove(id: string): Promise<boolean> {
    const users = await this.usage(id);
    if (users.length > 0) throw mappingInUse(users);
    return this.sql.tx(async (sql) => {
      await sql.query('DELETE FROM mapping_history WHERE mapping_id = $1', [id]);
      return (await sql.query('DELETE FROM mappings WHERE id = $1 RETURNING id', [id])).length > 0;
    });
  }

  async usage(id: string): Promise<MappingUser[]> {
    return this.sql.query<MappingUser>(
      "SELECT id, name FROM flows WHERE definition::jsonb ->> 'mappingId' = $1 ORDER BY seq",
      [id],
    );
  }

  async rename(id: string, name: string): Promise<Mapping> {
    const mapping = await this.get(id);
    const now = new Date().toISOString();
    await this.sql.query('UPDATE mappings SET name = $1, updated_at = $2 WHERE id = $3', [name, now, mapping.id]);
    return { ...mapping, name, updatedAt: now };
  }

  async duplicate(id: string, name?: string): Promise<Mapping> {
    const { id: _id, hash: _hash, updatedAt: _updatedAt, ...design } = await this.get(id);
    const taken = new Set((await this.list()).map((mapping) => mapping.name));
    return this.save({ ...design, name: name ?? copyName(design.name, taken) });
  }

  async versions(id: string): Promise<MappingVersionInfo[]> {
    const current = await this.get(id);
    const rows = await this.sql.query<HistoryRow>(
      'SELECT * FROM mapping_history WHERE mapping_id = $1 ORDER BY version DESC',
      [current.id],
    );
    const newest = rows[0]?.version;
    return rows.map((row) => versionInfo(row, row.version === newest));
  }

  async version(id: string, version: number): Promise<MappingVersion> {
    // The row and whether it is the newest in one statement: a save between two reads cannot split them.
    const row = (
      await this.sql.query<HistoryRow & { newest: number }>(
        `SELECT h.*, (SELECT MAX(version) FROM mapping_history n WHERE n.mapping_id = h.mapping_id) AS newest
           FROM mapping_history h WHERE h.mapping_id = $1 AND h.version = $2`,
        [id, version],
      )
    )[0];
    if (!row) throw noVersion(id, version);
    return toVersion(row, row.version === row.newest);
  }

  async diff(id: string, from: number, to?: number): Promise<MappingVersionDiff> {
    const before = await this.version(id, from);
    const after = to === undefined ? await this.currentAsVersion(id) : await this.version(id, to);
    return { from: before.version, to: after.version, changes: designChanges(before, after) };
  }

  async restore(id: string, version: number): Promise<Mapping> {
    const past = await this.version(id, version);
    return this.store(restoredDesign(await this.get(id), past), past.version);
  }

  /** The current design as its newest version (every save records one, so it is always there). */
  private async currentAsVersion(id: string): Promise<MappingVersion> {
    const rows = await this.versions(id);
    if (rows.length === 0) throw noVersions(id);
    return this.version(id, rows[0]!.version);
  }
}

/**
 * Keeps the saved design as the next version unless it is the design of the newest version already
 * (saving unchanged work adds nothing to History). A restore always adds one.
 */
async function recordVersion(sql: Sql, mapping: Mapping, graph: string | null, restoredFrom: number | null) {
  const latest = (
    await sql.query<HistoryRow>('SELECT * FROM mapping_history WHERE mapping_id = $1 ORDER BY version DESC LIMIT 1', [
      mapping.id,
    ])
  )[0];
  if (latest && restoredFrom === null && sameDesign(latest, mapping, graph)) return;
  await sql.query(
    `INSERT INTO mapping_history (mapping_id, version, name, source_entity, source_lines, target_entity, graph, expression, hash, created_at, restored_from)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      mapping.id,
      (latest?.version ?? 0) + 1,
      mapping.name,
      mapping.sourceEntity,
      mapping.sourceLines ?? null,
      mapping.targetEntity,
      graph,
      mapping.expression,
      mapping.hash,
      mapping.updatedAt,
      restoredFrom,
    ],
  );
}
