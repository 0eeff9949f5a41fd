import jsonata from 'jsonata';
import { AppError } from '../errors';
import { stableHash } from '../hash';
import { lookupFunctionName } from './compiler';
import { decodePath, encodePath, type PathSegment } from './field-path';
import { functionForCall, functionForOperator } from './function-catalog';
import type { FieldType } from '../domain/entity-schema';
import { previousLayout, type PreviousLayout } from './parser-layout';
import {
  mappingGraphVersion,
  outputHandle,
  wholeRecordHandle,
  type FieldPort,
  type MappingEdge,
  type MappingGraph,
  type MappingNode,
  type NodeOfKind,
  type Scalar,
} from './graph.model';
import { parseSyntax, type Syntax } from './syntax';

export interface ParseOptions {
  /** The graph this text was compiled from or last parsed into: ids, positions, field lists and unconnected nodes are kept. */
  previous?: MappingGraph;
}

interface Output {
  nodeId: string;
  handle: string;
}

type NewNode = MappingNode extends infer N ? (N extends MappingNode ? Omit<N, 'id' | 'position'> : never) : never;

/**
 * JSONata text back to a graph: everything the compiler emits, the usual hand-written forms,
 * and a custom node holding the exact text of whatever else it meets.
 */
export function parseMapping(text: string, options: ParseOptions = {}): MappingGraph {
  try {
    jsonata(text);
  } catch (error) {
    const details = error as { message?: string; position?: number; code?: string };
    throw new AppError('E_MAPPING_PARSE', `JSONata does not parse: ${details.message ?? String(error)}`, {
      position: details.position,
      jsonataCode: details.code,
    });
  }
  const builder = new GraphBuilder(text, options.previous);
  builder.top(parseSyntax(text));
  return builder.finish();
}

class GraphBuilder {
  private readonly nodes: MappingNode[] = [];
  private readonly edges: MappingEdge[] = [];
  private readonly source: NodeOfKind<'source'>;
  private readonly target: NodeOfKind<'target'>;
  private readonly layout: PreviousLayout;
  private row = 0;

  constructor(
    private readonly text: string,
    private readonly previous: MappingGraph | undefined,
  ) {
    this.layout = previousLayout(previous);
    const oldSource = previous?.nodes.find((node): node is NodeOfKind<'source'> => node.kind === 'source');
    const oldTarget = previous?.nodes.find((node): node is NodeOfKind<'target'> => node.kind === 'target');
    this.source = oldSource
      ? { ...oldSource, data: { ...oldSource.data, fields: [...oldSource.data.fields] } }
      : { id: 'source', kind: 'source', position: { x: 0, y: 0 }, data: { fields: [] } };
    this.target = oldTarget
      ? { ...oldTarget, data: { ...oldTarget.data, fields: [...oldTarget.data.fields] } }
      : { id: 'target', kind: 'target', position: { x: 1000, y: 0 }, data: { fields: [] } };
  }

  finish(): MappingGraph {
    const kept = new Set(this.nodes.map((node) => node.id));
    const orphans = this.layout.orphans.filter((node) => !kept.has(node.id));
    const orphanIds = new Set(orphans.map((node) => node.id));
    const orphanEdges = (this.previous?.edges ?? []).filter((edge) => orphanIds.has(edge.target));
    const graph: MappingGraph = {
      version: mappingGraphVersion,
      nodes: [this.source, this.target, ...this.nodes, ...orphans],
      edges: [...this.edges, ...orphanEdges],
    };
    if (this.previous?.matchKey) graph.matchKey = [...this.previous.matchKey];
    const written = this.writtenOrder();
    if (written) graph.fieldOrder = written;
    return graph;
  }

  /** The target handles in the text's order, when the target's own field order would print them differently. */
  private writtenOrder(): string[] | undefined {
    const written = [
      ...new Set(this.edges.filter((edge) => edge.target === this.target.id).map((edge) => edge.targetHandle)),
    ];
    const index = new Map(this.target.data.fields.map((field, position) => [field.path, position]));
    const rank = (handle: string): number => index.get(handle) ?? Number.MAX_SAFE_INTEGER;
    const byFields = grouped([...written].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)));
    return written.some((handle, position) => handle !== byFields[position]) ? written : undefined;
  }

  top(syntax: Syntax): void {
    const body = unwrap(syntax);
    if (body.kind === 'object' && !body.target && representable(body)) this.entries(body, [], []);
    else this.field(body, [{ name: wholeRecordHandle, array: false }], [], true);
  }

  private entries(object: Extract<Syntax, { kind: 'object' }>, prefix: PathSegment[], scope: PathSegment[][]): void {
    for (const entry of object.entries) {
      const key = (entry.key as Extract<Syntax, { kind: 'string' }>).value;
      this.field(unwrap(entry.value), [...prefix, { name: key, array: false }], scope, false);
    }
  }

  private field(value: Syntax, segments: PathSegment[], scope: PathSegment[][], whole: boolean): void {
    const handle = whole ? wholeRecordHandle : encodePath(segments);
    if (!whole && value.kind === 'object' && !value.target && value.entries.length > 0 && representable(value)) {
      this.entries(value, segments, scope);
      return;
    }
    const loop = whole ? undefined : loopParts(value);
    if (loop) {
      const names = pathNames(loop.path);
      if (names && !names.root && names.steps.length > 0) {
        const inputHandle = this.sourceHandle(names.steps, false, scope, 'array');
        // Only where the text wrapped the loop in `[…]`: `path.{…}` alone gives an object for one item.
        const loopId = this.addNode({ kind: 'loop', data: loop.wrapped ? {} : { wrapped: false } }, handle);
        this.connect({ nodeId: this.source.id, handle: inputHandle }, loopId, 'in');
        this.connect({ nodeId: loopId, handle: outputHandle }, this.target.id, handle, 'array');
        const itemScope = decodePath(inputHandle);
        (itemScope[itemScope.length - 1] as PathSegment).array = true;
        const last = segments[segments.length - 1] as PathSegment;
        this.entries(loop.body, [...segments.slice(0, -1), { name: last.name, array: true }], [...scope, itemScope]);
        return;
      }
    }
    if (!whole && value.kind === 'array' && value.items.length === 1) {
      const item = unwrap(value.items[0] as Syntax);
      if (item.kind === 'object' && !item.target && item.entries.length > 0 && representable(item)) {
        const last = segments[segments.length - 1] as PathSegment;
        this.entries(item, [...segments.slice(0, -1), { name: last.name, array: true }], scope);
        return;
      }
    }
    this.connect(this.expression(value, scope, handle), this.target.id, handle);
  }

  private expression(raw: Syntax, scope: PathSegment[][], address: string): Output {
    const syntax = unwrap(raw);
    const out = (nodeId: string): Output => ({ nodeId, handle: outputHandle });
    const constant = literalValue(syntax);
    if (constant !== undefined)
      return out(this.addNode({ kind: 'constant', data: { value: constant.value } }, address));
    const path = pathNames(syntax);
    if (path && path.steps.length > 0) {
      return { nodeId: this.source.id, handle: this.sourceHandle(path.steps, path.root, scope, 'string') };
    }
    if (syntax.kind === 'call' && syntax.callee.kind === 'variable' && !syntax.args.some(isPlaceholder)) {
      const name = syntax.callee.value;
      const [first, second] = syntax.args;
      if (name === lookupFunctionName && syntax.args.length === 2 && first?.kind === 'string' && second) {
        const id = this.addNode({ kind: 'lookup', data: { entity: first.value } }, address);
        this.connect(this.expression(second, scope, `${address}>key`), id, 'key');
        return out(id);
      }
      const table = valueMapParts(syntax);
      if (table) return out(this.valueMap(table.entries, table.input, { kind: 'none' }, scope, address));
      const definition = functionForCall(name);
      const minimum = definition?.optionalFrom ?? definition?.params.length ?? 0;
      if (definition && syntax.args.length >= minimum && syntax.args.length <= definition.params.length) {
        const id = this.addNode({ kind: 'function', data: { name: definition.name } }, address);
        syntax.args.forEach((arg, index) =>
          this.connect(this.expression(arg, scope, `${address}>in${index}`), id, `in${index}`),
        );
        return out(id);
      }
    }
    if (syntax.kind === 'binary' && syntax.operator === '??') return out(this.coalesce(syntax, scope, address));
    if (syntax.kind === 'binary') {
      const definition = functionForOperator(syntax.operator);
      if (definition) {
        const id = this.addNode({ kind: 'function', data: { name: definition.name } }, address);
        this.connect(this.expression(syntax.left, scope, `${address}>in0`), id, 'in0');
        this.connect(this.expression(syntax.right, scope, `${address}>in1`), id, 'in1');
        return out(id);
      }
    }
    if (syntax.kind === 'condition') {
      const id = this.addNode({ kind: 'conditional', data: {} }, address);
      this.connect(this.expression(syntax.condition, scope, `${address}>condition`), id, 'condition');
      this.connect(this.expression(syntax.then, scope, `${address}>then`), id, 'then');
      if (syntax.else) this.connect(this.expression(syntax.else, scope, `${address}>else`), id, 'else');
      return out(id);
    }
    return out(this.addNode({ kind: 'custom', data: { expression: this.slice(syntax) } }, address));
  }

  private coalesce(syntax: Extract<Syntax, { kind: 'binary' }>, scope: PathSegment[][], address: string): string {
    // Only the right spine is one default: `(a ?? b) ?? c` keeps its inner default node.
    const operands: Syntax[] = [syntax.left];
    let right: Syntax = syntax.right;
    while (right.kind === 'binary' && right.operator === '??') {
      operands.push(right.left);
      right = right.right;
    }
    operands.push(right);
    const table = operands.length === 2 ? valueMapParts(unwrap(operands[0] as Syntax)) : undefined;
    if (table) {
      const fallback = unwrap(operands[1] as Syntax);
      if (this.slice(fallback) === this.slice(unwrap(table.input)))
        return this.valueMap(table.entries, table.input, { kind: 'input' }, scope, address);
      const constant = literalValue(fallback);
      if (constant !== undefined)
        return this.valueMap(table.entries, table.input, { kind: 'constant', value: constant.value }, scope, address);
    }
    const id = this.addNode({ kind: 'coalesce', data: { inputs: operands.length } }, address);
    operands.forEach((operand, index) =>
      this.connect(this.expression(operand, scope, `${address}>in${index}`), id, `in${index}`),
    );
    return id;
  }

  private valueMap(
    entries: { from: string; to: Scalar }[],
    input: Syntax,
    fallback: NodeOfKind<'valueMap'>['data']['fallback'],
    scope: PathSegment[][],
    address: string,
  ): string {
    const id = this.addNode({ kind: 'valueMap', data: { entries, fallback } }, address);
    this.connect(this.expression(input, scope, `${address}>in`), id, 'in');
    return id;
  }

  private slice(syntax: Syntax): string {
    return this.text.slice(syntax.start, syntax.end);
  }

  /** Field names from the innermost loop item (or the root) to a source handle, reusing known ports. */
  private sourceHandle(steps: string[], root: boolean, scope: PathSegment[][], type: FieldType): string {
    const base = root ? [] : (scope[scope.length - 1] ?? []);
    const names = [...base.map((segment) => segment.name), ...steps];
    // Inside a loop, `$$.lines.ITNO` means every line's ITNO, not the current one: it may not reuse the
    // loop's `lines[].ITNO` port (which compiles relative to the loop), whichever field came first.
    const plainFromRoot = root && scope.length > 0;
    const known = this.source.data.fields.find((field) => {
      const segments = decodePath(field.path);
      return (
        segments.length === names.length &&
        segments.every(
          (segment, index) =>
            segment.name === names[index] &&
            (plainFromRoot ? !segment.array : index >= base.length || segment.array === base[index]?.array),
        )
      );
    });
    if (known) return known.path;
    const path = encodePath([...base, ...steps.map((name) => ({ name, array: false }))]);
    this.source.data.fields.push({ path, type });
    return path;
  }

  private addNode(node: NewNode, address: string): string {
    const old = this.layout.byAddress.get(address);
    const reuse = old && old.kind === node.kind && !this.nodes.some((existing) => existing.id === old.id);
    const id = reuse ? old.id : `${node.kind}_${stableHash(address).slice(0, 10)}`;
    const depth = address.split('>').length;
    const position = reuse ? { ...old.position } : { x: 800 - depth * 200, y: (this.row += 1) * 70 };
    this.nodes.push({ ...node, id, position } as MappingNode);
    return id;
  }

  private connect(from: Output, targetId: string, targetHandle: string, fieldType: FieldType = 'string'): void {
    if (
      targetId === this.target.id &&
      !this.target.data.fields.some((field) => field.path === targetHandle) &&
      targetHandle !== wholeRecordHandle
    ) {
      const port: FieldPort = { path: targetHandle, type: fieldType };
      this.target.data.fields.push(port);
    }
    const source = from.nodeId;
    const key = `${source}|${from.handle}|${targetId}|${targetHandle}`;
    const id = this.layout.edgeIds.get(key) ?? `e_${stableHash(key).slice(0, 10)}`;
    this.edges.push({ id, source, sourceHandle: from.handle, target: targetId, targetHandle });
  }
}

/**
 * Handles in the order the compiler prints them when it meets them in `handles` order: members of
 * one object or list item stay together, where the first of them stands (compiler.ts `place`).
 */
function grouped(handles: string[]): string[] {
  interface Tree {
    handle?: string;
    children: Map<string, Tree>;
  }
  const root: Tree = { children: new Map() };
  for (const handle of handles) {
    let current = root;
    for (const segment of decodePath(handle)) {
      const key = segment.name;
      let child = current.children.get(key);
      if (!child) {
        child = { children: new Map() };
        current.children.set(key, child);
      }
      current = child;
    }
    current.handle = handle;
  }
  const out: string[] = [];
  const walk = (tree: Tree): void => {
    if (tree.handle !== undefined) out.push(tree.handle);
    for (const child of tree.children.values()) walk(child);
  };
  walk(root);
  return out;
}

function unwrap(syntax: Syntax): Syntax {
  let current = syntax;
  while (current.kind === 'block' && current.expressions.length === 1) {
    const inner = current.expressions[0] as Syntax;
    if (inner.kind === 'binary' && inner.operator === ':=') break;
    current = inner;
  }
  return current;
}

function isPlaceholder(syntax: Syntax): boolean {
  return syntax.kind === 'symbol' && syntax.value === '?';
}

function representable(object: Extract<Syntax, { kind: 'object' }>): boolean {
  const keys = new Set<string>();
  for (const entry of object.entries) {
    if (entry.key.kind !== 'string' || keys.has(entry.key.value)) return false;
    keys.add(entry.key.value);
  }
  return true;
}

function literalValue(syntax: Syntax): { value: Scalar } | undefined {
  if (syntax.kind === 'string' || syntax.kind === 'number' || syntax.kind === 'value') return { value: syntax.value };
  return undefined;
}

/** `a.b.c`, `$$.a`, `` `x y` ``, `$lookup($, "a`b")`: field steps, or undefined for any other form. */
function pathNames(syntax: Syntax): { root: boolean; steps: string[] } | undefined {
  const parts: Syntax[] = [];
  let current = syntax;
  while (current.kind === 'binary' && current.operator === '.') {
    parts.unshift(current.right);
    current = current.left;
  }
  parts.unshift(current);
  let root = false;
  const steps: string[] = [];
  for (const [index, part] of parts.entries()) {
    if (index === 0 && part.kind === 'variable' && part.value === '$' && parts.length > 1) root = true;
    else if (part.kind === 'name') steps.push(part.value);
    else if (isLookupStep(part)) steps.push((part.args[1] as Extract<Syntax, { kind: 'string' }>).value);
    else return undefined;
  }
  return { root, steps };
}

function isLookupStep(syntax: Syntax): syntax is Extract<Syntax, { kind: 'call' }> {
  return (
    syntax.kind === 'call' &&
    syntax.callee.kind === 'variable' &&
    syntax.callee.value === 'lookup' &&
    syntax.args.length === 2 &&
    syntax.args[0]?.kind === 'variable' &&
    syntax.args[0].value === '' &&
    syntax.args[1]?.kind === 'string'
  );
}

/** `[path.{…}]` (wrapped) or `path.{…}`. */
function loopParts(
  value: Syntax,
): { path: Syntax; body: Extract<Syntax, { kind: 'object' }>; wrapped: boolean } | undefined {
  const wrapped = value.kind === 'array' && value.items.length === 1;
  const inner = wrapped ? unwrap(value.items[0] as Syntax) : value;
  if (inner.kind !== 'binary' || inner.operator !== '.') return undefined;
  const body = inner.right;
  if (body.kind !== 'object' || body.target || !representable(body)) return undefined;
  return { path: inner.left, body, wrapped };
}

/** `$lookup({"k": literal, …}, $string(x))`. */
function valueMapParts(syntax: Syntax): { entries: { from: string; to: Scalar }[]; input: Syntax } | undefined {
  if (
    syntax.kind !== 'call' ||
    syntax.callee.kind !== 'variable' ||
    syntax.callee.value !== 'lookup' ||
    syntax.args.length !== 2
  )
    return undefined;
  const [table, key] = syntax.args as [Syntax, Syntax];
  if (table.kind !== 'object' || table.target || !representable(table)) return undefined;
  if (key.kind !== 'call' || key.callee.kind !== 'variable' || key.callee.value !== 'string' || key.args.length !== 1)
    return undefined;
  const entries: { from: string; to: Scalar }[] = [];
  for (const entry of table.entries) {
    const to = literalValue(entry.value);
    if (!to) return undefined;
    entries.push({ from: (entry.key as Extract<Syntax, { kind: 'string' }>).value, to: to.value });
  }
  return { entries, input: key.args[0] as Syntax };
}
