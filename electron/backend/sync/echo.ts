import type { Flow } from '../../../shared/domain/flow';
import type { JsonObject, JsonValue } from '../connectors/framework/connector';
import type { EngineDeps } from './engine-deps';

/**
 * What the opposite flow of a two-way integration last knew of the record this flow would write:
 * the record it read there (its own source record) and when.
 */
export interface Counterpart {
  flowId: string;
  flowName: string;
  /** The record in this flow's target (the opposite flow's source key). */
  targetKey: string;
  /** That record as the opposite flow last read it. */
  data: JsonObject;
  readAt: string;
}

export interface EchoFinder {
  /** For source keys of a page: the ones an opposite flow wrote, with what it last read on the other side. */
  counterparts(sourceKeys: string[]): Promise<Map<string, Counterpart>>;
}

/**
 * Echo detection for two-way integrations (issue 16). Flow F writes system B from system A and flow
 * R writes A from B. A record R wrote into A comes back to F as a change; F must not bounce it to B.
 * The test is on content, not on who changed the record last (systems do not say): the record is an
 * echo when everything F would write is already what B holds — as R last read it there, after F's
 * own last write of it. A real change on A's side (a field R does not map, a later edit) makes the
 * payload differ and is written. Undefined when no flow goes the other way.
 */
export async function echoFinder(
  deps: Pick<EngineDeps, 'flows' | 'idMap' | 'audit'>,
  flow: Flow,
): Promise<EchoFinder | undefined> {
  // Lines are written with their parent's flow; the opposite of a child flow is not told apart here.
  if (flow.source.each) return undefined;
  const opposite = (await deps.flows.flows())
    .filter(
      (other) =>
        other.id !== flow.id &&
        !other.source.each &&
        other.source.connectionId === flow.target.connectionId &&
        other.source.entity === flow.target.entity &&
        other.target.connectionId === flow.source.connectionId &&
        other.target.entity === flow.source.entity,
    )
    .sort((a, b) => a.id.localeCompare(b.id));
  if (opposite.length === 0) return undefined;
  return {
    async counterparts(sourceKeys) {
      const found = new Map<string, Counterpart>();
      for (const other of opposite) {
        for (const [written, otherKey] of await deps.idMap.writtenTargets(other.id, sourceKeys)) {
          if (found.has(written)) continue;
          const audit = await deps.audit.latestAudit(other.id, otherKey);
          const data = audit?.sourcePayload;
          if (!audit || !data || typeof data !== 'object' || Array.isArray(data)) continue;
          found.set(written, {
            flowId: other.id,
            flowName: other.name,
            targetKey: otherKey,
            data: data as JsonObject,
            readAt: audit.createdAt,
          });
        }
      }
      return found;
    },
  };
}

/**
 * Whether writing `payload` would change nothing in the record the counterpart last read. Fields the
 * read does not return (`…@odata.bind`, write-only fields) cannot be compared and are left out; a
 * payload with no comparable field is never an echo.
 */
export function heldAlready(payload: JsonObject, held: JsonObject): boolean {
  let compared = 0;
  for (const [field, value] of Object.entries(payload)) {
    if (!(field in held)) continue;
    compared += 1;
    if (!sameValue(held[field], value)) return false;
  }
  return compared > 0;
}

/** Systems echo numbers as strings and pad or trim text (M3): compare scalars as trimmed text. */
export function sameValue(held: JsonValue | undefined, wanted: JsonValue): boolean {
  const blank = (value: JsonValue | undefined) => value === null || value === undefined || value === '';
  if (blank(wanted) || blank(held)) return blank(wanted) && blank(held);
  if (Array.isArray(wanted))
    return Array.isArray(held) && held.length === wanted.length && wanted.every((item, i) => sameValue(held[i], item));
  if (typeof wanted === 'object')
    return (
      typeof held === 'object' &&
      held !== null &&
      !Array.isArray(held) &&
      Object.entries(wanted as JsonObject).every(([key, value]) => sameValue((held as JsonObject)[key], value))
    );
  return String(held).trim() === String(wanted).trim();
}
