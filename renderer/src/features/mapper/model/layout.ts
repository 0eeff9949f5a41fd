import dagre from '@dagrejs/dagre';
import type { MappingGraph } from '../../../../../shared/mapping';
import type { Size } from './flow-adapters';
import { isSchemaNode } from './flow-adapters';

/** Geometry of the schema trees the layout needs: where a field's row sits inside its node. */
export interface LayoutMetrics {
  measured: Readonly<Record<string, Size>>;
  /** Y of a field's row centre relative to its node's top, or undefined when unknown. */
  rowOffset(nodeId: string, path: string): number | undefined;
}

const defaultSize: Size = { width: 200, height: 80 };
const gap = 90;

/**
 * Lays out the function nodes between the two trees with dagre (left to right). Each field an
 * edge touches becomes a small anchor node so dagre orders function nodes by the rows they
 * connect; the result is then shifted so the anchors line up with the real rows.
 */
export function layoutGraph(graph: MappingGraph, metrics: LayoutMetrics): Map<string, { x: number; y: number }> {
  const source = graph.nodes.find((node) => node.kind === 'source');
  const target = graph.nodes.find((node) => node.kind === 'target');
  const functions = graph.nodes.filter((node) => !isSchemaNode(node));
  const positions = new Map<string, { x: number; y: number }>();
  if (!source || !target) return positions;
  const sourceSize = metrics.measured[source.id] ?? { width: 280, height: 600 };

  const layout = new dagre.graphlib.Graph();
  layout.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: gap, marginx: 0, marginy: 0 });
  layout.setDefaultEdgeLabel(() => ({}));
  for (const node of functions) {
    const size = metrics.measured[node.id] ?? defaultSize;
    layout.setNode(node.id, { width: size.width, height: size.height });
  }
  const anchors: { id: string; nodeId: string; realY: number }[] = [];
  const anchor = (nodeId: string, path: string): string => {
    const id = `anchor:${nodeId}:${path}`;
    if (!layout.hasNode(id)) {
      const node = nodeId === source.id ? source : target;
      const realY = node.position.y + (metrics.rowOffset(nodeId, path) ?? 0);
      layout.setNode(id, { width: 1, height: 26 });
      anchors.push({ id, nodeId, realY });
    }
    return id;
  };
  for (const edge of graph.edges) {
    // Direct field-to-field edges need no room in between.
    if (edge.source === source.id && edge.target === target.id) continue;
    const from = edge.source === source.id ? anchor(source.id, edge.sourceHandle) : edge.source;
    const to = edge.target === target.id ? anchor(target.id, edge.targetHandle) : edge.target;
    if (layout.hasNode(from) && layout.hasNode(to)) layout.setEdge(from, to);
  }
  if (functions.length === 0) return positions;
  dagre.layout(layout);

  // Shift dagre's picture so its anchors sit on their rows on average.
  const placed = anchors;
  const shiftY =
    placed.length === 0
      ? source.position.y
      : placed.reduce((sum, entry) => sum + entry.realY - layout.node(entry.id).y, 0) / placed.length;
  let minX = Infinity;
  for (const node of functions) {
    const box = layout.node(node.id);
    minX = Math.min(minX, box.x - box.width / 2);
  }
  const left = source.position.x + sourceSize.width + gap;
  let right = left;
  for (const node of functions) {
    const box = layout.node(node.id);
    const x = Math.round(left + (box.x - box.width / 2 - minX));
    positions.set(node.id, { x, y: Math.round(box.y - box.height / 2 + shiftY) });
    right = Math.max(right, x + box.width);
  }
  if (target.position.x < right + gap) positions.set(target.id, { x: Math.round(right + gap), y: target.position.y });
  return positions;
}
