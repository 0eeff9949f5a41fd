import { AppError } from '../errors';
import { decodePath } from './field-path';
import { GraphIndex } from './graph-index';
import { portTypeOfField } from './ports';
import {
  mappingGraphVersion,
  outputHandle,
  wholeRecordHandle,
  type MappingEdge,
  type MappingGraph,
  type MappingNode,
  type NodeOfKind,
  type ValueMapEntry,
} from './graph.model';

/**
 * The mapping of a reverse flow (issue 16: "suggest the inverted mapping where each edge is
 * invertible"): the forward mapping's target becomes the source and its source the target, and every
 * forward field whose value can be traced back to exactly one source field is mapped back.
 *
 * What counts as invertible, and why:
 * - a direct copy `S → T`: `T → S`;
 * - `$trim(S) → T`: `$trim(T) → S`. Not exact (padding the forward flow dropped does not come back),
 *   but the forward flow never wrote padding, so trimming again changes nothing it wrote, and a
 *   round trip settles instead of bouncing; the field carries a note saying so;
 * - `$string(S)` / `$number(S)`: the opposite conversion (a text field made a number goes back as
 *   text, noted: its own format is not kept); a conversion that changed nothing goes back as a copy;
 * - a value map that is one-to-one (no two entries map to the same value, none to null, no constant
 *   fallback that would merge every other value into one): the entries turned round, the same
 *   `input`/`none` fallback;
 * - upper/lower case: not inverted. The original case is gone; copying back would overwrite
 *   "Acme Ltd" in the source with "ACME LTD";
 * - concatenations, constants, conditions, defaults, lookups, other functions, custom JSONata,
 *   line (loop) fields and whole-record expressions: not inverted, each listed with its reason.
 */
export type InversionKind = 'copy' | 'trim' | 'string' | 'number' | 'valueMap';

export interface InvertedField {
  /** The forward mapping's target field, now read (`accountnumber`). */
  from: string;
  /** The forward mapping's source field, now written (`CUNO`). */
  to: string;
  kind: InversionKind;
  /** What the inversion does not restore exactly. */
  note?: string;
}

export interface NotInvertedField {
  /** The forward mapping's target field. */
  field: string;
  reason: string;
}

export interface InvertedMapping {
  graph: MappingGraph;
  /**
   * The fields the reverse flow matches on in its target (the forward source): each forward match-key
   * field mapped back. Empty when none could be inverted (`matchKeyProblem` says why).
   */
  matchKey: string[];
  matchKeyProblem?: string;
  inverted: InvertedField[];
  notInverted: NotInvertedField[];
  /** Forward target fields considered (`inverted.length + notInverted.length`). */
  total: number;
}

export interface InvertOptions {
  /** The forward flow's match key (target fields); defaults to the graph's own `matchKey`. */
  matchKey?: readonly string[];
}

type Candidate =
  | { ok: true; sourceField: string; kind: InversionKind; valueMap?: NodeOfKind<'valueMap'>; note?: string }
  | { ok: false; reason: string };

const trimNote = 'trimmed again: spaces around the value in the source are not kept';
const numberNote = 'written back as text: the source’s own number format (leading zeros, 25000.50) is not kept';

/** The port type of a source field (`number` for M3's numeric fields, `string` for text). */
function portTypeOf(index: GraphIndex, handle: string) {
  const field = index.sources[0]?.data.fields.find((candidate) => candidate.path === handle);
  return field ? portTypeOfField(field.type) : 'any';
}

export function invertMapping(graph: MappingGraph, options: InvertOptions = {}): InvertedMapping {
  const index = new GraphIndex(graph);
  const forwardTarget = index.target;
  const forwardSources = index.sources;
  if (forwardSources.length !== 1)
    throw new AppError(
      'E_MAPPING_COMPILE',
      `A mapping to reverse needs exactly one source node (found ${forwardSources.length}).`,
    );
  const forwardSource = forwardSources[0] as NodeOfKind<'source'>;
  const forwardKey = new Set(options.matchKey ?? graph.matchKey ?? []);

  // Every forward target field, in the target's field order (what the designer lists).
  const candidates = index.targetEdges().map((edge) => ({ edge, candidate: trace(index, edge) }));
  const notInverted: NotInvertedField[] = [];
  const chosen = new Map<string, { edge: MappingEdge; candidate: Extract<Candidate, { ok: true }> }>();
  // One edge per input: a source field fed to several forward fields goes back from one of them,
  // the match-key field first, then a plain copy, then the first in field order.
  const rank = (edge: MappingEdge, candidate: Extract<Candidate, { ok: true }>) =>
    (forwardKey.has(edge.targetHandle) ? 0 : 2) + (candidate.kind === 'copy' ? 0 : 1);
  for (const { edge, candidate } of candidates) {
    if (!candidate.ok) continue;
    const held = chosen.get(candidate.sourceField);
    if (!held || rank(edge, candidate) < rank(held.edge, held.candidate))
      chosen.set(candidate.sourceField, { edge, candidate });
  }
  const inverted: InvertedField[] = [];
  const winners = new Set([...chosen.values()].map((entry) => entry.edge.id));
  for (const { edge, candidate } of candidates) {
    if (!candidate.ok) {
      notInverted.push({ field: edge.targetHandle, reason: candidate.reason });
    } else if (!winners.has(edge.id)) {
      const winner = chosen.get(candidate.sourceField)?.edge.targetHandle ?? '';
      notInverted.push({
        field: edge.targetHandle,
        reason: `${candidate.sourceField} is written back from ${winner} already (both come from ${candidate.sourceField})`,
      });
    } else {
      inverted.push({
        from: edge.targetHandle,
        to: candidate.sourceField,
        kind: candidate.kind,
        ...(candidate.note ? { note: candidate.note } : {}),
      });
    }
  }

  const source: NodeOfKind<'source'> = {
    id: forwardSource.id,
    kind: 'source',
    position: forwardSource.position,
    data: { ...forwardTarget.data, fields: forwardTarget.data.fields.map((field) => ({ ...field })) },
  };
  const target: NodeOfKind<'target'> = {
    id: forwardTarget.id,
    kind: 'target',
    position: forwardTarget.position,
    data: { ...forwardSource.data, fields: forwardSource.data.fields.map((field) => ({ ...field })) },
  };
  const nodes: MappingNode[] = [source, target];
  const edges: MappingEdge[] = [];
  const ids = new Set(nodes.map((node) => node.id));
  const freshId = (base: string) => {
    let id = base;
    for (let n = 2; ids.has(id); n += 1) id = `${base}-${n}`;
    ids.add(id);
    return id;
  };
  const addEdge = (from: string, fromHandle: string, to: string, toHandle: string) =>
    edges.push({
      id: `edge${edges.length + 1}`,
      source: from,
      sourceHandle: fromHandle,
      target: to,
      targetHandle: toHandle,
    });
  for (const { edge, candidate } of chosen.values()) {
    const from = edge.targetHandle;
    const to = candidate.sourceField;
    const between = (source.position.x + target.position.x) / 2;
    const y = source.position.y + 60 * edges.length;
    if (candidate.kind === 'copy') {
      addEdge(source.id, from, target.id, to);
    } else if (candidate.kind === 'valueMap' && candidate.valueMap) {
      const forward = candidate.valueMap;
      const id = freshId(forward.id);
      nodes.push({
        id,
        kind: 'valueMap',
        position: { x: between, y },
        data: { entries: reverseEntries(forward.data.entries), fallback: forward.data.fallback },
      });
      addEdge(source.id, from, id, 'in');
      addEdge(id, outputHandle, target.id, to);
    } else {
      const id = freshId(`${candidate.kind}-${to}`);
      nodes.push({ id, kind: 'function', position: { x: between, y }, data: { name: candidate.kind } });
      addEdge(source.id, from, id, 'in0');
      addEdge(id, outputHandle, target.id, to);
    }
  }

  const matchKey: string[] = [];
  for (const key of forwardKey) {
    const back = inverted.find((field) => field.from === key);
    if (back) matchKey.push(back.to);
  }
  const keyProblem = (): string | undefined => {
    if (forwardKey.size === 0) return 'The forward mapping has no match key.';
    const reasons = [...forwardKey].map(
      (key) => notInverted.find((field) => field.field === key)?.reason ?? 'not mapped',
    );
    return `The match key ${[...forwardKey].join(' + ')} is not mapped back: ${reasons.join('; ')}.`;
  };
  const matchKeyProblem = matchKey.length === forwardKey.size && matchKey.length > 0 ? undefined : keyProblem();
  return {
    graph: {
      version: mappingGraphVersion,
      nodes,
      edges,
      ...(matchKey.length > 0 ? { matchKey } : {}),
    },
    matchKey,
    ...(matchKeyProblem ? { matchKeyProblem } : {}),
    inverted,
    notInverted,
    total: candidates.length,
  };
}

/** The one source field a forward target field's value comes from, and how to undo what was done to it. */
function trace(index: GraphIndex, edge: MappingEdge): Candidate {
  if (edge.targetHandle === wholeRecordHandle)
    return { ok: false, reason: 'a whole-record expression cannot be turned round field by field' };
  if (decodePath(edge.targetHandle).some((segment) => segment.array))
    return { ok: false, reason: 'line fields (a loop over a list) are not reversed' };
  const node = index.node(edge.source);
  const fromSource = (handle: string): string | undefined => {
    const input = index.input(node.id, handle);
    if (!input) return undefined;
    const feeding = index.node(input.source);
    if (feeding.kind !== 'source') return undefined;
    return decodePath(input.sourceHandle).some((segment) => segment.array) ? undefined : input.sourceHandle;
  };
  switch (node.kind) {
    case 'source':
      if (decodePath(edge.sourceHandle).some((segment) => segment.array))
        return { ok: false, reason: 'line fields (a loop over a list) are not reversed' };
      return { ok: true, sourceField: edge.sourceHandle, kind: 'copy' };
    case 'constant':
      return { ok: false, reason: 'a constant has no source field to write back to' };
    case 'function': {
      const name = node.data.name;
      if (name === 'trim' || name === 'string' || name === 'number') {
        const field = fromSource('in0');
        if (!field) return { ok: false, reason: `${name}() of a computed value cannot be traced to one field` };
        if (name === 'trim') return { ok: true, sourceField: field, kind: 'trim', note: trimNote };
        // The opposite conversion, by what the source field holds.
        const type = portTypeOf(index, field);
        if (name === 'string') {
          if (type === 'number') return { ok: true, sourceField: field, kind: 'number' };
          // Text (or an ISO date) stays text: `$string` changed nothing.
          if (type === 'string' || type === 'date') return { ok: true, sourceField: field, kind: 'copy' };
          return { ok: false, reason: `text made from a ${type} value cannot be read back exactly` };
        }
        if (type === 'number') return { ok: true, sourceField: field, kind: 'copy' };
        if (type === 'string') return { ok: true, sourceField: field, kind: 'string', note: numberNote };
        return { ok: false, reason: `a number made from a ${type} value cannot be turned back` };
      }
      if (name === 'uppercase' || name === 'lowercase')
        return {
          ok: false,
          reason: `${name === 'uppercase' ? 'upper' : 'lower'} case loses the original case; copying back would overwrite it`,
        };
      if (name === 'concat') return { ok: false, reason: 'a concatenation cannot be split back into its parts' };
      return { ok: false, reason: `${name}() has no exact inverse` };
    }
    case 'valueMap': {
      const field = fromSource('in');
      if (!field) return { ok: false, reason: 'the value map reads a computed value, not one source field' };
      const problem = oneToOneProblem(node.data.entries, node.data.fallback);
      if (problem) return { ok: false, reason: problem };
      return { ok: true, sourceField: field, kind: 'valueMap', valueMap: node };
    }
    case 'lookup':
      return {
        ok: false,
        reason: `a reference to ${node.data.entity} holds that record's id, not the source's value`,
      };
    case 'conditional':
      return { ok: false, reason: 'a condition chooses between values; it cannot be turned round' };
    case 'coalesce':
      return { ok: false, reason: 'a default merges several inputs into one value' };
    case 'custom':
      return { ok: false, reason: 'custom JSONata cannot be turned round automatically' };
    case 'loop':
      return { ok: false, reason: 'line fields (a loop over a list) are not reversed' };
    case 'target':
      return { ok: false, reason: 'the target has no outputs' };
  }
}

function oneToOneProblem(
  entries: readonly ValueMapEntry[],
  fallback: NodeOfKind<'valueMap'>['data']['fallback'],
): string | undefined {
  const seen = new Map<string, string>();
  for (const entry of entries) {
    if (entry.to === null) return `the value map sends "${entry.from}" to empty; empty cannot be mapped back`;
    // The inverted map looks values up as text (`$lookup(table, $string(value))`).
    const key = String(entry.to);
    const other = seen.get(key);
    if (other !== undefined)
      return `the value map is not one-to-one: "${other}" and "${entry.from}" both become "${key}"`;
    seen.set(key, entry.from);
  }
  if (fallback.kind === 'constant')
    return `the value map sends every other value to "${String(fallback.value)}"; those cannot be told apart`;
  return undefined;
}

function reverseEntries(entries: readonly ValueMapEntry[]): ValueMapEntry[] {
  return entries.map((entry) => ({ from: String(entry.to), to: entry.from }));
}
