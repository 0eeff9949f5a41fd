import type { FlowId } from '../../../shared/domain/flow';
import type { Db } from '../store/database';

export interface IdMapEntry {
  sourceKey: string;
  sourceStamp: string;
  targetKey: string | null;
  payloadHash: string;
  /** When the entry last changed (read back only; echo detection compares it with the opposite flow's read). */
  updatedAt?: string;
}

/**
 * What each source record became in the target (table `id_map`): change
 * detection, cross-entity references and targeted syncs from target
 * notifications.
 */
export interface IdMapRepository {
  /** A page's entries; a null target key keeps the one already known. */
  upsert(flowId: FlowId, target: { connectionId: string; entity: string }, entries: IdMapEntry[], now: string): void;
  entries(flowId: FlowId | string, keys: string[]): Map<string, IdMapEntry>;
  /** The target id a source key became in a given target entity (cross-entity references). */
  targetKeyFor(targetConnection: string, targetEntity: string, sourceKey: string): string | undefined;
  /** Source keys whose records became these target ids in a flow (targeted syncs from target notifications). */
  sourceKeysForTargets(flowId: FlowId | string, targetKeys: string[]): string[];
  /** For each of these target ids the flow wrote, the source key it came from (echo detection). */
  writtenTargets(flowId: FlowId | string, targetKeys: string[]): Map<string, string>;
}

export class SqliteIdMapRepository implements IdMapRepository {
  constructor(private readonly db: Db) {}

  upsert(flowId: FlowId, target: { connectionId: string; entity: string }, entries: IdMapEntry[], now: string): void {
    const upsertId = this.db.prepare(
      `INSERT INTO id_map (flow_id, source_key, source_stamp, target_connection, target_entity, target_key, payload_hash, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(flow_id, source_key) DO UPDATE SET source_stamp = excluded.source_stamp,
         target_key = COALESCE(excluded.target_key, id_map.target_key), payload_hash = excluded.payload_hash,
         updated_at = excluded.updated_at`,
    );
    for (const entry of entries) {
      upsertId.run(
        flowId,
        entry.sourceKey,
        entry.sourceStamp,
        target.connectionId,
        target.entity,
        entry.targetKey,
        entry.payloadHash,
        now,
      );
    }
  }

  entries(flowId: FlowId | string, keys: string[]): Map<string, IdMapEntry> {
    const out = new Map<string, IdMapEntry>();
    const select = this.db.prepare(
      'SELECT source_key, source_stamp, target_key, payload_hash, updated_at FROM id_map WHERE flow_id = ? AND source_key = ?',
    );
    for (const key of keys) {
      const row = select.get(flowId, key) as
        | {
            source_key: string;
            source_stamp: string;
            target_key: string | null;
            payload_hash: string;
            updated_at: string;
          }
        | undefined;
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

  targetKeyFor(targetConnection: string, targetEntity: string, sourceKey: string): string | undefined {
    const row = this.db
      .prepare(
        'SELECT target_key FROM id_map WHERE target_connection = ? AND target_entity = ? AND source_key = ? AND target_key IS NOT NULL LIMIT 1',
      )
      .get(targetConnection, targetEntity, sourceKey) as { target_key: string } | undefined;
    return row?.target_key;
  }

  writtenTargets(flowId: FlowId | string, targetKeys: string[]): Map<string, string> {
    // Through id_map_by_target_key; a target id written from two source keys (a merge) answers the newest.
    const select = this.db.prepare(
      'SELECT source_key FROM id_map WHERE flow_id = ? AND target_key = ? ORDER BY updated_at DESC, source_key LIMIT 1',
    );
    const out = new Map<string, string>();
    for (const key of new Set(targetKeys)) {
      const row = select.get(flowId, key) as { source_key: string } | undefined;
      if (row) out.set(key, row.source_key);
    }
    return out;
  }

  sourceKeysForTargets(flowId: FlowId | string, targetKeys: string[]): string[] {
    const select = this.db.prepare('SELECT source_key FROM id_map WHERE flow_id = ? AND target_key = ?');
    return [
      ...new Set(
        targetKeys.flatMap((key) =>
          (select.all(flowId, key) as Array<{ source_key: string }>).map((row) => row.source_key),
        ),
      ),
    ];
  }
}
