import { decodePath } from '../../../shared/mapping/field-path';
import type { MappingGraph, MappingNode } from '../../../shared/mapping/graph.model';

/**
 * A direct interpreter of the graph, written from the JSONata semantics of each node kind and
 * independent of the compiler, so property tests can compare the two on random inputs.
 */
export class InterpretError extends Error {}

type Item = Record<string, unknown>;

export function interpretGraph(
  graph: MappingGraph,
  input: Item,
  customValues: Record<string, unknown>,
  lookupRef: (entity: string, key: unknown) => unknown,
): unknown {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const edgeInto = (id: string, handle: string) =>
    graph.edges.find((edge) => edge.target === id && edge.targetHandle === handle);
  const target = graph.nodes.find((node) => node.kind === 'target') as MappingNode;
  const targetEdges = graph.edges.filter((edge) => edge.target === target.id);

  const value = (nodeId: string, handle: string, item: Item, itemPrefix: string): unknown => {
    const node = nodes.get(nodeId) as MappingNode;
    const arg = (name: string): unknown => {
      const edge = edgeInto(nodeId, name);
      return edge ? value(edge.source, edge.sourceHandle, item, itemPrefix) : undefined;
    };
    switch (node.kind) {
      case 'source': {
        const inItem = itemPrefix && handle.startsWith(itemPrefix);
        let current: unknown = inItem ? item : input;
        for (const segment of decodePath(inItem ? handle.slice(itemPrefix.length) : handle)) {
          current = current && typeof current === 'object' ? (current as Item)[segment.name] : undefined;
        }
        return current;
      }
      case 'constant':
        return node.data.value;
      case 'custom':
        return customValues[node.data.expression];
      case 'lookup':
        return lookupRef(node.data.entity, arg('key'));
      case 'conditional':
        return truthy(arg('condition')) ? arg('then') : arg('else');
      case 'coalesce': {
        for (let index = 0; index < node.data.inputs; index += 1) {
          const candidate = arg(`in${index}`);
          if (candidate !== undefined) return candidate;
        }
        return undefined;
      }
      case 'valueMap': {
        const key = toText(arg('in'));
        const found = key === undefined ? undefined : node.data.entries.find((entry) => entry.from === key);
        if (found) return found.to;
        if (node.data.fallback.kind === 'input') return arg('in');
        if (node.data.fallback.kind === 'constant') return node.data.fallback.value;
        return undefined;
      }
      case 'function':
        return applyFunction(node.data.name, [arg('in0'), arg('in1'), arg('in2')]);
      default:
        throw new InterpretError(`cannot interpret ${node.kind}`);
    }
  };

  const build = (prefix: string, item: Item, itemPrefix: string): Item => {
    const out: Item = {};
    for (const edge of targetEdges) {
      const handle = edge.targetHandle;
      if (!handle.startsWith(prefix) || handle.slice(prefix.length).includes('.')) continue;
      const key = handle.slice(prefix.length);
      const source = nodes.get(edge.source) as MappingNode;
      if (source.kind === 'loop') {
        const input = edgeInto(source.id, 'in');
        const list = input
          ? itemPrefix && input.sourceHandle.startsWith(itemPrefix)
            ? item[input.sourceHandle.slice(itemPrefix.length)]
            : (value(input.source, input.sourceHandle, item, itemPrefix) as unknown)
          : undefined;
        const items = list === undefined ? [] : Array.isArray(list) ? list : [list];
        out[key] = items.map((entry) => build(`${handle}[].`, entry as Item, `${input?.sourceHandle}[].`));
        continue;
      }
      const result = value(edge.source, edge.sourceHandle, item, itemPrefix);
      if (result !== undefined) out[key] = result;
    }
    return out;
  };
  return build('', input, '');
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy);
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

function toText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function applyFunction(name: string, [a, b]: unknown[]): unknown {
  const text = (value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new InterpretError(`${name} expects text`);
    return value;
  };
  const number = (value: unknown): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number') throw new InterpretError(`${name} expects a number`);
    return value;
  };
  switch (name) {
    case 'uppercase':
      return text(a)?.toUpperCase();
    case 'lowercase':
      return text(a)?.toLowerCase();
    case 'trim':
      return text(a)
        ?.replace(/[ \t\n\r]+/g, ' ')
        .trim();
    case 'concat':
      return (toText(a) ?? '') + (toText(b) ?? '');
    case 'add':
    case 'multiply': {
      const left = number(a);
      const right = number(b);
      if (left === undefined || right === undefined) return undefined;
      return name === 'add' ? left + right : left * right;
    }
    case 'equals':
      return a !== undefined && b !== undefined && a === b;
    default:
      throw new InterpretError(`no interpreter for ${name}`);
  }
}
