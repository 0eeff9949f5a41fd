import type { FlowId } from '../../../../shared/domain/flow';
import type { IdMapEntry } from '../../sync/id-map.repository';
import type { AsyncIdMapRepository } from '../async-store';
import type { Sql } from './sql';

/** SqliteIdMapRepository's semantics (sync/id-map.repository.ts) in PostgreSQL, a page per statement. */
export class PgIdMapRepository implements AsyncIdMapRepository {
  constructor(private readonly sql: Sql) {}

  async upsert(
    flowId: FlowId,
    target: { connectionId: string; entity: string },
    entries: IdMapEntry[],
    now: string,
  ): Promise<void> {
    if (entries.length === 0) return;
    // One statement for the page (arrays unnested), not one round trip per record. A key twice in a
    // page: the later entry wins, as the SQLite loop's second upsert would.
    const last = new Map(entries.map((entry) => [entry.sourceKey, entry]));
    const rows = [...last.values()];
    await this.sql.query(
      `INSERT INTO id_map (flow_id, source_key, source_stamp, target_connection, target_entity, target_key, payload_hash, updated_at)
       SELECT $1, e.source_key, e.source_stamp, $2, $3, e.target_key, e.payload_hash, $4
         FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) AS e(source_key, source_stamp, target_key, payload_hash)
       ON CONFLICT (flow_id, source_key) DO UPDATE SET source_stamp = excluded.source_stamp,
         target_key = COALESCE(excluded.target_key, id_map.target_key), payload_hash = excluded.payload_hash,
         updated_at = excluded.updated_at`,
      [
        flowId,
        target.connectionId,
        target.entity,
        now,
        rows.map((e) => e.sourceKey),
        rows.map((e) => e.sourceStamp),
        rows.map((e) => e.targetKey),
        rows.map((e) => e.payloadHash),
      ],
    );
  }

  async entries(flowId: FlowId | string, keys: string[]): Promise<Map<string, IdMapEntry>> {
    const out = new Map<string, IdMapEntry>();
    if (keys.length === 0) return out;
    const rows = await this.sql.query<{
      source_key: string;
      source_stamp: string;
      target_key: string | null;
      payload_hash: string;
      updated_at: string;
    }>(
      'SELECT source_key, source_stamp, target_key, payload_hash, updated_at FROM id_map WHERE flow_id = $1 AND source_key = ANY($2::text[])',
      [flowId, keys],
    );
    const byKey = new Map(rows.map((row) => [row.source_key, row]));
    // In the order asked, as the SQLite loop fills the map.
    for (const key of keys) {
      const row = byKey.get(key);
      if (row)
        out.set(key, {
          sourceKey: row.source_key,
          sourceStamp: row.source_stamp,
          targetKey: row.target_key,
          payloadHash: row.payload_hash,
          updatedAt: row.updated_at,
        });
    }
    return out;
  }

  async targetKeyFor(targetConnection: string, targetEntity: string, sourceKey: string): Promise<string | undefined> {
    const rows = await this.sql.query<{ target_key: string }>(
      'SELECT target_key FROM id_map WHERE target_connection = $1 AND target_entity = $2 AND source_key = $3 AND target_key IS NOT NULL LIMIT 1',
      [targetConnection, targetEntity, sourceKey],
    );
    return rows[0]?.target_key;
  }

  async writtenTargets(flowId: FlowId | string, targetKeys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(targetKeys)];
    if (unique.length === 0) return out;
    // A target id written from two source keys (a merge) answers the newest, ties by source key: DISTINCT ON keeps the first.
    const rows = await this.sql.query<{ target_key: string; source_key: string }>(
      `SELECT DISTINCT ON (target_key) target_key, source_key FROM id_map
        WHERE flow_id = $1 AND target_key = ANY($2::text[])
        ORDER BY target_key, updated_at DESC, source_key`,
      [flowId, unique],
    );
    const byTarget = new Map(rows.map((row) => [row.target_key, row.source_key]));
    for (const key of unique) {
      const source = byTarget.get(key);
      if (source !== undefined) out.set(key, source);
    }
    return out;
  }

  async sourceKeysForTargets(flowId: FlowId | string, targetKeys: string[]): Promise<string[]> {
    const out = new Set<string>();
    if (targetKeys.length === 0) return [];
    const rows = await this.sql.query<{ target_key: string; source_key: string }>(
      'SELECT target_key, source_key FROM id_map WHERE flow_id = $1 AND target_key = ANY($2::text[])',
      [flowId, targetKeys],
    );
    // In the order of the target keys asked, as the SQLite version answers.
    const byTarget = new Map<string, string[]>();
    for (const row of rows) byTarget.set(row.target_key, [...(byTarget.get(row.target_key) ?? []), row.source_key]);
    for (const key of targetKeys) for (const source of byTarget.get(key) ?? []) out.add(source);
    return [...out];
  }
}
