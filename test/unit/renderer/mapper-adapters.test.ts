import { describe, expect, it } from 'vitest';
import { field, type EntitySchema } from '../../../shared/domain/entity-schema';
import { compileGraph } from '../../../shared/mapping';
import { compileForView } from '../../../renderer/src/features/mapper/model/compile-view';
import {
  emptyView,
  FlowEdgeCache,
  FlowNodeCache,
  toConnection,
  type CanvasView,
} from '../../../renderer/src/features/mapper/model/flow-adapters';
import {
  addNode,
  connect,
  createNode,
  graphForSchemas,
  mapField,
  moveNodes,
} from '../../../renderer/src/features/mapper/model/graph-edits';
import { layoutGraph } from '../../../renderer/src/features/mapper/model/layout';
import { lineageOf } from '../../../renderer/src/features/mapper/model/lineage';
import {
  aboveHandle,
  belowHandle,
  buildRows,
  resolveHandle,
  rowWindow,
} from '../../../renderer/src/features/mapper/model/schema-tree';
import { m3Customers, zohoAccounts } from '../../mapping/schemas';

const orders: EntitySchema = {
  system: 'infor',
  entity: 'salesOrders',
  label: 'Sales orders',
  keyFields: ['ORNO'],
  hash: 'orders',
  fetchedAt: '2025-01-01T00:00:00Z',
  fields: [
    field('ORNO', 'string', { label: 'Order number' }),
    field('lines', 'array', {
      label: 'Lines',
      children: [field('ITNO', 'string', { label: 'Item number' }), field('ORQT', 'number', { label: 'Quantity' })],
    }),
    field('CUNO', 'string', { label: 'Customer' }),
  ],
};

const view = (patch: Partial<CanvasView> = {}): CanvasView => ({ ...emptyView, ...patch });

describe('graph → React Flow nodes', () => {
  it('derives one typed node per graph node and reuses objects that did not change', () => {
    const graph = graphForSchemas(m3Customers, zohoAccounts);
    const cache = new FlowNodeCache();
    const first = cache.derive(graph, view());
    expect(first.map((node) => [node.id, node.type])).toEqual([
      ['source', 'source'],
      ['target', 'target'],
    ]);
    expect(first[0]?.data.node).toBe(graph.nodes[0]);
    expect(first[0]?.dragHandle).toBe('.schema-node-header');

    const again = cache.derive(graph, view());
    expect(again[0]).toBe(first[0]);
    expect(again[1]).toBe(first[1]);

    const moved = moveNodes(graph, new Map([['target', { x: 1200, y: 40 }]]));
    const afterMove = cache.derive(moved, view());
    expect(afterMove[0]).toBe(first[0]);
    expect(afterMove[1]).not.toBe(first[1]);
    expect(afterMove[1]?.position).toEqual({ x: 1200, y: 40 });
  });

  it('shows a drag in progress and the measured size without touching the graph', () => {
    const graph = graphForSchemas(m3Customers, zohoAccounts);
    const nodes = new FlowNodeCache().derive(
      graph,
      view({
        dragPositions: { source: { x: 5, y: 6 } },
        measured: { source: { width: 280, height: 500 } },
        selectedNodes: new Set(['source']),
      }),
    );
    expect(nodes[0]?.position).toEqual({ x: 5, y: 6 });
    expect(nodes[0]?.measured).toEqual({ width: 280, height: 500 });
    expect(nodes[0]?.selected).toBe(true);
    expect(graph.nodes[0]?.position).toEqual({ x: 0, y: 0 });
  });
});

describe('graph → React Flow edges', () => {
  it('attaches edges to field handles, or to the proxies when the row is scrolled away', () => {
    const graph = mapField(graphForSchemas(m3Customers, zohoAccounts), 'CUNM', 'Account_Name').graph;
    const cache = new FlowEdgeCache();
    const [edge] = cache.derive(graph, view());
    expect(edge).toMatchObject({
      source: 'source',
      sourceHandle: 'CUNM',
      target: 'target',
      targetHandle: 'Account_Name',
      hidden: false,
    });
    expect(cache.derive(graph, view())[0]).toBe(edge);

    const sourceRows = buildRows(graph.nodes[0]!.kind === 'source' ? graph.nodes[0].data.fields : [], new Set(), '');
    const scrolledDown = rowWindow(sourceRows, 5, 12);
    const [proxied] = cache.derive(graph, view({ windows: { source: scrolledDown } }));
    expect(proxied?.sourceHandle).toBe(aboveHandle);
    expect(proxied?.className).toContain('proxied');
    const scrolledUp = rowWindow(sourceRows, 0, 0);
    expect(cache.derive(graph, view({ windows: { source: scrolledUp } }))[0]?.sourceHandle).toBe(belowHandle);
  });

  it('lands on the group row when the field is collapsed and hides the edge when search filters it out', () => {
    const graph = graphForSchemas(orders, zohoAccounts);
    const fields = graph.nodes[0]!.kind === 'source' ? graph.nodes[0].data.fields : [];
    expect(fields.map((port) => port.path)).toEqual(['ORNO', 'lines', 'lines[].ITNO', 'lines[].ORQT', 'CUNO']);
    const collapsed = buildRows(fields, new Set(['lines']), '');
    expect(collapsed.map((row) => row.path)).toEqual(['ORNO', 'lines', 'CUNO']);
    expect(collapsed[1]).toMatchObject({ hasChildren: true, collapsed: true, depth: 0 });
    expect(resolveHandle('lines[].ITNO', rowWindow(collapsed, 0, 2))).toBe('lines');

    const searched = buildRows(fields, new Set(['lines']), 'quantity');
    expect(searched.map((row) => row.path)).toEqual(['lines', 'lines[].ORQT']);
    expect(resolveHandle('CUNO', rowWindow(searched, 0, 1))).toBeUndefined();
  });

  it('turns React Flow connections into graph connections only when both handles are set', () => {
    expect(
      toConnection({ source: 'source', sourceHandle: 'CUNO', target: 'target', targetHandle: 'Account_Number' }),
    ).toEqual({
      source: 'source',
      sourceHandle: 'CUNO',
      target: 'target',
      targetHandle: 'Account_Number',
    });
    expect(
      toConnection({ source: 'source', sourceHandle: null, target: 'target', targetHandle: 'Account_Number' }),
    ).toBeUndefined();
  });
});

describe('lineage, layout and partial compilation', () => {
  const withFunction = () => {
    let graph = graphForSchemas(m3Customers, zohoAccounts);
    const upper = createNode(graph, { kind: 'function', name: 'uppercase' }, { x: 300, y: 200 });
    graph = addNode(graph, upper);
    graph = connect(graph, { source: 'source', sourceHandle: 'TOWN', target: upper.id, targetHandle: 'in0' }).graph;
    graph = connect(graph, {
      source: upper.id,
      sourceHandle: 'out',
      target: 'target',
      targetHandle: 'Billing_City',
    }).graph;
    graph = mapField(graph, 'CUNM', 'Account_Name').graph;
    return { graph, upper };
  };

  it('lights the path from a target field back to its source fields, and forward from a source field', () => {
    const { graph, upper } = withFunction();
    const back = lineageOf(graph, { side: 'target', nodeId: 'target', path: 'Billing_City' });
    expect([...back.nodeIds]).toEqual([upper.id]);
    expect(back.edgeIds.size).toBe(2);
    expect([...(back.fields.get('source') ?? [])]).toEqual(['TOWN']);
    const forward = lineageOf(graph, { side: 'source', nodeId: 'source', path: 'TOWN' });
    expect([...(forward.fields.get('target') ?? [])]).toEqual(['Billing_City']);
  });

  it('lays function nodes out between the two trees', () => {
    const { graph, upper } = withFunction();
    const positions = layoutGraph(graph, {
      measured: { source: { width: 280, height: 600 }, [upper.id]: { width: 180, height: 70 } },
      rowOffset: (_node, path) => 60 + m3Customers.fields.findIndex((entry) => entry.name === path) * 26,
    });
    const placed = positions.get(upper.id);
    expect(placed).toBeDefined();
    expect(placed!.x).toBeGreaterThan(280);
    const target = positions.get('target') ?? graph.nodes[1]!.position;
    expect(placed!.x + 180).toBeLessThan(target.x);
  });

  it('compiles every finished field while a branch is half drawn, and names the unfinished node', () => {
    let { graph } = withFunction();
    const concat = createNode(graph, { kind: 'function', name: 'concat' }, { x: 300, y: 400 });
    graph = addNode(graph, concat);
    graph = connect(graph, { source: 'source', sourceHandle: 'CUA1', target: concat.id, targetHandle: 'in0' }).graph;
    graph = connect(graph, {
      source: concat.id,
      sourceHandle: 'out',
      target: 'target',
      targetHandle: 'Billing_Street',
    }).graph;
    expect(() => compileGraph(graph)).toThrow();
    const compiled = compileForView(graph);
    expect(compiled.problems[0]?.nodeIds).toContain(concat.id);
    expect(compiled.expression).toContain('"Billing_City": $uppercase(TOWN)');
    expect(compiled.expression).not.toContain('Billing_Street');
  });
});
