import type { FieldType } from '../../../shared/domain/entity-schema';
import type { MappingGraph, MappingNode, Scalar, ValueMapFallback } from '../../../shared/mapping/graph.model';

/** Terse graph construction for fixtures and generators: `b.to('Name', b.fn('trim', b.src('CUNM')))`. */
export interface Ref {
  node: string;
  handle: string;
}

type NodeBody = MappingNode extends infer N ? (N extends MappingNode ? Omit<N, 'id' | 'position'> : never) : never;

export class TestGraph {
  readonly graph: MappingGraph;
  private counter = 0;

  constructor(sourceFields: Record<string, FieldType>, targetFields: Record<string, FieldType>) {
    this.graph = {
      version: 1,
      nodes: [
        {
          id: 'source',
          kind: 'source',
          position: { x: 0, y: 0 },
          data: { fields: Object.entries(sourceFields).map(([path, type]) => ({ path, type })) },
        },
        {
          id: 'target',
          kind: 'target',
          position: { x: 1000, y: 0 },
          data: { fields: Object.entries(targetFields).map(([path, type]) => ({ path, type })) },
        },
      ],
      edges: [],
    };
  }

  private add(body: NodeBody, inputs: Record<string, Ref | undefined> = {}): Ref {
    this.counter += 1;
    const id = `${body.kind}${this.counter}`;
    this.graph.nodes.push({ ...body, id, position: { x: 500, y: this.counter * 60 } } as MappingNode);
    for (const [handle, ref] of Object.entries(inputs)) if (ref) this.edge(ref, id, handle);
    return { node: id, handle: 'out' };
  }

  edge(from: Ref, target: string, targetHandle: string): void {
    this.graph.edges.push({
      id: `edge${this.graph.edges.length + 1}`,
      source: from.node,
      sourceHandle: from.handle,
      target,
      targetHandle,
    });
  }

  src(path: string): Ref {
    return { node: 'source', handle: path };
  }

  constant(value: Scalar): Ref {
    return this.add({ kind: 'constant', data: { value } });
  }

  fn(name: string, ...args: Ref[]): Ref {
    return this.add(
      { kind: 'function', data: { name } },
      Object.fromEntries(args.map((arg, index) => [`in${index}`, arg])),
    );
  }

  valueMap(input: Ref, entries: Record<string, Scalar>, fallback: ValueMapFallback = { kind: 'none' }): Ref {
    return this.add(
      { kind: 'valueMap', data: { entries: Object.entries(entries).map(([from, to]) => ({ from, to })), fallback } },
      { in: input },
    );
  }

  conditional(condition: Ref, then: Ref, otherwise?: Ref): Ref {
    return this.add({ kind: 'conditional', data: {} }, { condition, then, else: otherwise });
  }

  coalesce(...inputs: Ref[]): Ref {
    return this.add(
      { kind: 'coalesce', data: { inputs: inputs.length } },
      Object.fromEntries(inputs.map((input, index) => [`in${index}`, input])),
    );
  }

  lookup(entity: string, key: Ref): Ref {
    return this.add({ kind: 'lookup', data: { entity } }, { key });
  }

  custom(expression: string): Ref {
    return this.add({ kind: 'custom', data: { expression } });
  }

  /** `wrapped: false`: `path.{…}` as written by hand (one item gives an object), not `[path.{…}]`. */
  loop(sourceArray: string, targetArray: string, data: { wrapped?: boolean } = {}): void {
    const loop = this.add({ kind: 'loop', data }, { in: this.src(sourceArray) });
    this.edge(loop, 'target', targetArray);
  }

  to(targetHandle: string, from: Ref): this {
    this.edge(from, 'target', targetHandle);
    return this;
  }
}
