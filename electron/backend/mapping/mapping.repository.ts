import { randomUUID } from 'node:crypto';
import { mappingSchema, type Mapping, type MappingId } from '../../../shared/domain/flow';
import { stableHash } from '../../../shared/hash';
import type { MappingChange } from '../../../shared/mapping/diff';
import type { Db } from '../store/database';
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
} from './mapping-rows';

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
  /** Refused while a flow uses it; the error's details list every such flow. */
  remove(id: string): boolean;
  /** The flows that run this mapping, in creation order. */
  usage(id: string): MappingUser[];
  /** Renames without making a new version (the design is unchanged). */
  rename(id: string, name: string): Mapping;
  /** A new mapping with the same design, connections and entities; its history starts at version 1. */
  duplicate(id: string, name?: string): Mapping;
  /** Its saved versions, newest first. */
  versions(id: string): MappingVersionInfo[];
  /** One saved version with its design. */
  version(id: string, version: number): MappingVersion;
  /** What changed from version `from` to version `to` (the current design when `to` is left out). */
  diff(id: string, from: number, to?: number): MappingVersionDiff;
  /** Makes a past version the current design again; the restore is itself a new version. */
  restore(id: string, version: number): Mapping;
}

/** A flow that runs a mapping. */
export interface MappingUser {
  id: string;
  name: string;
}

/** One saved version of a mapping, as History lists it. */
export interface MappingVersionInfo {
  version: number;
  name: string;
  hash: string;
  createdAt: string;
  /** The version this one brought back, when it was made by Restore. */
  restoredFrom: number | null;
  /** True for the version the mapping holds now. */
  current: boolean;
}

export interface MappingVersion extends MappingVersionInfo {
  sourceEntity: string;
  sourceLines?: string;
  targetEntity: string;
  graph?: Mapping['graph'];
  expression: string;
}

export interface MappingVersionDiff {
  from: number;
  to: number;
  changes: MappingChange[];
}

export class SqliteMappingRepository implements MappingRepository {
  constructor(private readonly db: Db) {}

  save(input: MappingInput): Mapping {
    return this.store(input, null);
  }

  private store(input: MappingInput, restoredFrom: number | null): Mapping {
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
      this.recordVersion(mapping, restoredFrom);
    })();
    return mapping;
  }

  /**
   * Keeps the saved design as the next version unless it is the design of the newest version already
   * (saving unchanged work, or a rename, adds nothing to History). A restore always adds one.
   */
  private recordVersion(mapping: Mapping, restoredFrom: number | null): void {
    const latest = this.db
      .prepare('SELECT * FROM mapping_history WHERE mapping_id = ? ORDER BY version DESC LIMIT 1')
      .get(mapping.id) as HistoryRow | undefined;
    const graph = mapping.graph === undefined ? null : JSON.stringify(mapping.graph);
    if (latest && restoredFrom === null && sameDesign(latest, mapping, graph)) return;
    this.db
      .prepare(
        `INSERT INTO mapping_history (mapping_id, version, name, source_entity, source_lines, target_entity, graph, expression, hash, created_at, restored_from)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
  }

  get(id: MappingId | string): Mapping {
    const row = this.db.prepare('SELECT * FROM mappings WHERE id = ?').get(id) as MappingRow | undefined;
    if (!row) throw noMapping(id);
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

  /**
   * Refused while a flow uses it: the flow would have nothing to run. The error names every such flow
   * (details.flows) so the person knows what to change first. Its History goes with it; the expression
   * versions stay (`mapping_versions`), as replays of past runs read them.
   */
  remove(id: string): boolean {
    const users = this.usage(id);
    if (users.length > 0) throw mappingInUse(users);
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM mapping_history WHERE mapping_id = ?').run(id);
      return this.db.prepare('DELETE FROM mappings WHERE id = ?').run(id).changes > 0;
    })();
  }

  usage(id: string): MappingUser[] {
    return this.db
      .prepare("SELECT id, name FROM flows WHERE json_extract(definition, '$.mappingId') = ? ORDER BY seq")
      .all(id) as MappingUser[];
  }

  rename(id: string, name: string): Mapping {
    const mapping = this.get(id);
    const now = new Date().toISOString();
    this.db.prepare('UPDATE mappings SET name = ?, updated_at = ? WHERE id = ?').run(name, now, mapping.id);
    return { ...mapping, name, updatedAt: now };
  }

  duplicate(id: string, name?: string): Mapping {
    const { id: _id, hash: _hash, updatedAt: _updatedAt, ...design } = this.get(id);
    return this.save({ ...design, name: name ?? copyName(design.name, new Set(this.list().map((m) => m.name))) });
  }

  versions(id: string): MappingVersionInfo[] {
    const current = this.get(id);
    const rows = this.db
      .prepare('SELECT * FROM mapping_history WHERE mapping_id = ? ORDER BY version DESC')
      .all(current.id) as HistoryRow[];
    const newest = rows[0]?.version;
    return rows.map((row) => versionInfo(row, row.version === newest));
  }

  version(id: string, version: number): MappingVersion {
    const row = this.historyRow(id, version);
    const newest = this.db
      .prepare('SELECT MAX(version) AS version FROM mapping_history WHERE mapping_id = ?')
      .get(row.mapping_id) as { version: number };
    return toVersion(row, row.version === newest.version);
  }

  diff(id: string, from: number, to?: number): MappingVersionDiff {
    const before = this.version(id, from);
    const after = to === undefined ? this.currentAsVersion(id) : this.version(id, to);
    return { from: before.version, to: after.version, changes: designChanges(before, after) };
  }

  restore(id: string, version: number): Mapping {
    const past = this.version(id, version);
    return this.store(restoredDesign(this.get(id), past), past.version);
  }

  /** The current design as its newest version (every save records one, so it is always there). */
  private currentAsVersion(id: string): MappingVersion {
    const rows = this.versions(id);
    if (rows.length === 0) throw noVersions(id);
    return this.version(id, rows[0]!.version);
  }

  private historyRow(id: string, version: number): HistoryRow {
    const row = this.db
      .prepare('SELECT * FROM mapping_history WHERE mapping_id = ? AND version = ?')
      .get(id, version) as HistoryRow | undefined;
    if (!row) throw noVersion(id, version);
    return row;
  }
}
