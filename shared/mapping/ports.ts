import type { FieldType } from '../domain/entity-schema';
import { functionDefinition, type PortType } from './function-catalog';
import { outputHandle, wholeRecordHandle, type MappingEdge, type MappingGraph, type MappingNode } from './graph.model';

export interface Port {
  handle: string;
  type: PortType;
  label: string;
}

export function portTypeOfField(type: FieldType): PortType {
  switch (type) {
    case 'string':
    case 'picklist':
    case 'reference':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'date':
    case 'datetime':
      return 'date';
    default:
      return type;
  }
}

export function inputPorts(node: MappingNode): Port[] {
  switch (node.kind) {
    case 'target':
      return [
        ...node.data.fields.map((field) => ({
          handle: field.path,
          type: portTypeOfField(field.type),
          label: field.label ?? field.path,
        })),
        { handle: wholeRecordHandle, type: 'object' as const, label: 'Whole record' },
      ];
    case 'function': {
      const definition = functionDefinition(node.data.name);
      // Concatenate joins any number of texts (issue 19).
      if (node.data.name === 'concat' && (node.data.inputs ?? 2) > 2)
        return Array.from({ length: node.data.inputs ?? 2 }, (_, index) => ({
          handle: `in${index}`,
          type: 'any' as const,
          label: `Text ${index + 1}`,
        }));
      return (definition?.params ?? []).map((type, index) => ({
        handle: `in${index}`,
        type,
        label: `Argument ${index + 1}`,
      }));
    }
    case 'valueMap':
      return [{ handle: 'in', type: 'any', label: 'Value' }];
    case 'conditional':
      return [
        { handle: 'condition', type: 'any', label: 'If' },
        { handle: 'then', type: 'any', label: 'Then' },
        { handle: 'else', type: 'any', label: 'Else' },
      ];
    case 'coalesce':
      return Array.from({ length: node.data.inputs }, (_, index) => ({
        handle: `in${index}`,
        type: 'any' as const,
        label: `Value ${index + 1}`,
      }));
    case 'loop':
      return [{ handle: 'in', type: 'array', label: 'Items' }];
    case 'lookup':
      return [{ handle: 'key', type: 'any', label: 'Source key' }];
    default:
      return [];
  }
}

export function outputPorts(node: MappingNode): Port[] {
  switch (node.kind) {
    case 'source':
      return node.data.fields.map((field) => ({
        handle: field.path,
        type: portTypeOfField(field.type),
        label: field.label ?? field.path,
      }));
    case 'target':
      return [];
    case 'constant': {
      const value = node.data.value;
      const type: PortType =
        typeof value === 'string'
          ? 'string'
          : typeof value === 'number'
            ? 'number'
            : typeof value === 'boolean'
              ? 'boolean'
              : 'any';
      return [{ handle: outputHandle, type, label: 'Value' }];
    }
    case 'function':
      return [{ handle: outputHandle, type: functionDefinition(node.data.name)?.returns ?? 'any', label: 'Result' }];
    case 'loop':
      return [{ handle: outputHandle, type: 'array', label: 'Items' }];
    case 'lookup':
      return [{ handle: outputHandle, type: 'string', label: 'Target id' }];
    default:
      return [{ handle: outputHandle, type: 'any', label: 'Result' }];
  }
}

export function typesCompatible(from: PortType, to: PortType): boolean {
  if (from === to || from === 'any' || to === 'any') return true;
  // ISO dates travel as strings; conversions between text and numbers need an explicit function.
  return (from === 'date' && to === 'string') || (from === 'string' && to === 'date');
}

export interface Connection {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export type ConnectResult = { ok: true } | { ok: false; reason: string };

/** The `isValidConnection` rule for the canvas: handles exist, types fit, one edge per input, no cycle. */
export function canConnect(graph: MappingGraph, connection: Connection): ConnectResult {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const from = nodes.get(connection.source);
  const to = nodes.get(connection.target);
  if (!from || !to) return { ok: false, reason: 'Unknown node.' };
  if (from.id === to.id) return { ok: false, reason: 'A node cannot feed itself.' };
  const output = outputPorts(from).find((port) => port.handle === connection.sourceHandle);
  const input = inputPorts(to).find((port) => port.handle === connection.targetHandle);
  if (!output) return { ok: false, reason: `No output "${connection.sourceHandle}" on ${from.kind} node.` };
  if (!input) return { ok: false, reason: `No input "${connection.targetHandle}" on ${to.kind} node.` };
  if (graph.edges.some((edge) => edge.target === to.id && edge.targetHandle === input.handle)) {
    return { ok: false, reason: `"${input.label}" is already connected.` };
  }
  if (to.kind === 'loop' && from.kind !== 'source')
    return { ok: false, reason: 'A loop iterates a source array field.' };
  if (from.kind === 'loop' && to.kind !== 'target') return { ok: false, reason: 'A loop fills a target array field.' };
  if (!typesCompatible(output.type, input.type)) {
    return { ok: false, reason: `Type ${output.type} does not fit ${input.type}; add a conversion function.` };
  }
  if (reaches(graph.edges, to.id, from.id)) return { ok: false, reason: 'This connection would create a cycle.' };
  return { ok: true };
}

function reaches(edges: readonly MappingEdge[], start: string, goal: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of edges) if (edge.source === id) stack.push(edge.target);
  }
  return false;
}
