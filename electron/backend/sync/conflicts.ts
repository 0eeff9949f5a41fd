import type { ConflictRules, ConflictWinner } from '../../../shared/domain/flow';
import type { JsonObject, JsonValue, LookupHit, SourceRecord } from '../connectors/framework/connector';
import { sameValue } from './echo';

/** One field both sides changed since the flow last wrote it, and who won. */
export interface FieldConflict {
  field: string;
  source: JsonValue;
  target: JsonValue;
  winner: 'source' | 'target';
  /** The rule that chose (`newest` compares the records' stamps). */
  rule: ConflictWinner;
}

export interface Resolution {
  /** The payload to write: fields the target keeps are left out. */
  payload: JsonObject;
  conflicts: FieldConflict[];
  /** Fields left out of the write (the target's value stands). */
  kept: string[];
}

/**
 * Per-field conflict rules for two-way integrations (issue 16). `baseline` is what the target held
 * from this flow after its last write (its audit); `current` the target record now. A field only
 * the target changed since the baseline keeps the target's value (its own flow carries it back),
 * unless the source is its source of truth; a field both sides changed is a conflict the rule
 * decides: `source`, `target`, or `newest` (the source record's stamp against the target record's;
 * without a target stamp the source wins). Without a baseline (a record this flow never wrote) the
 * rule decides every differing field, and nothing is counted as a conflict: no one can tell who
 * changed it. Match-key fields are always written.
 */
export function resolveConflicts(
  payload: JsonObject,
  record: SourceRecord,
  current: LookupHit | undefined,
  baseline: JsonObject | undefined,
  rules: ConflictRules,
  matchKey: string[],
): Resolution {
  if (!current) return { payload, conflicts: [], kept: [] };
  const out: JsonObject = {};
  const conflicts: FieldConflict[] = [];
  const kept: string[] = [];
  for (const [field, value] of Object.entries(payload)) {
    const held = current.data[field];
    if (matchKey.includes(field) || !(field in current.data) || sameValue(held, value)) {
      out[field] = value;
      continue;
    }
    const rule = rules.fields[field] ?? rules.default;
    const before = baseline && field in baseline ? baseline[field] : undefined;
    const targetChanged = before === undefined || !sameValue(held, before);
    const sourceChanged = before === undefined || !sameValue(value, before);
    let winner: 'source' | 'target';
    if (!targetChanged) winner = 'source';
    else if (!sourceChanged) winner = rule === 'source' ? 'source' : 'target';
    else if (rule === 'newest')
      winner =
        current.stamp && record.stamp && Date.parse(current.stamp) > Date.parse(record.stamp) ? 'target' : 'source';
    else winner = rule;
    if (baseline && targetChanged && sourceChanged)
      conflicts.push({ field, source: value, target: held ?? null, winner, rule });
    if (winner === 'source') out[field] = value;
    else kept.push(field);
  }
  return { payload: out, conflicts, kept };
}

/** The audit message of a record whose conflicts a rule decided. */
export function conflictMessage(conflicts: FieldConflict[], targetName: string): string {
  return `Changed on both sides: ${conflicts
    .map(
      (conflict) =>
        `${conflict.field} (${conflict.winner === 'source' ? 'source value written' : `${targetName}'s value kept`}, rule “${conflict.rule}”)`,
    )
    .join('; ')}.`;
}

/** A record about to be written, with what conflict rules add to its audit row. */
export interface RuledWrite {
  record: SourceRecord;
  payload: JsonObject;
  note?: { code: string; message: string; diff: Array<{ field: string; before: unknown; after: unknown }> };
}

/**
 * Applies a flow's conflict rules to a page's writes: one lookup of the target records (by the first
 * match-key field), each payload resolved against the target's current record and the flow's last
 * write. Returns the writes still to make and the ones whose every differing field the target kept.
 */
export async function applyConflictRules<T extends RuledWrite>(
  pending: T[],
  options: {
    rules: ConflictRules;
    matchKey: string[];
    targetName: string;
    lookup: (values: string[], fields: string[]) => Promise<Map<string, LookupHit>>;
    /** May answer from the store: a promise. */
    lastWritten: (sourceKey: string) => unknown;
  },
): Promise<{ write: T[]; kept: T[]; conflicted: number }> {
  const field = options.matchKey[0]!;
  const valueOf = (item: T) => {
    const value = item.payload[field];
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const values = [...new Set(pending.map(valueOf).filter((value): value is string => value !== undefined))];
  const fields = [...new Set(pending.flatMap((item) => Object.keys(item.payload)))];
  const current = values.length > 0 ? await options.lookup(values, fields) : new Map<string, LookupHit>();
  const write: T[] = [];
  const kept: T[] = [];
  let conflicted = 0;
  for (const item of pending) {
    const value = valueOf(item);
    const baseline: unknown = await options.lastWritten(item.record.key);
    const resolution = resolveConflicts(
      item.payload,
      item.record,
      value === undefined ? undefined : current.get(value),
      baseline && typeof baseline === 'object' && !Array.isArray(baseline) ? (baseline as JsonObject) : undefined,
      options.rules,
      options.matchKey,
    );
    if (resolution.conflicts.length > 0) conflicted += 1;
    const note =
      resolution.conflicts.length > 0
        ? {
            code: 'CONFLICT',
            message: conflictMessage(resolution.conflicts, options.targetName),
            diff: resolution.conflicts.map((conflict) => ({
              field: conflict.field,
              before: conflict.target,
              after: conflict.winner === 'source' ? conflict.source : conflict.target,
            })),
          }
        : undefined;
    const resolved = { ...item, payload: resolution.payload, ...(note ? { note } : {}) };
    const fieldsLeft = Object.keys(resolution.payload).filter((name) => !options.matchKey.includes(name));
    if (resolution.kept.length > 0 && fieldsLeft.length === 0) kept.push(resolved);
    else write.push(resolved);
  }
  return { write, kept, conflicted };
}
