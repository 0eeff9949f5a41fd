import dagre from '@dagrejs/dagre';
import type { MappingGraph, MappingNode } from '../../../../../shared/mapping';
import type { Size } from './flow-adapters';
import { isSchemaNode } from './flow-adapters';
import { moveNodes } from './graph-edits';
import type { RowWindow } from './schema-tree';

/** Tree geometry shared by the tree view and the layout (px at zoom 1). */
export const treeRowHeight = 26;
export const treeHeaderHeight = 52;
export const treeWidth = 280;
/** The "n mapped above/below" strips around the rows. */
export const treeMarkerHeight = 18;

/** Geometry of the schema trees the layout needs: where a field's row sits inside its node. */
export interface LayoutMetrics {
  measured: Readonly<Record<string, Size>>;
  /** Y of a field's row centre relative to its node's top, or undefined when unknown. */
  rowOffset(nodeId: string, path: string): number | undefined;
}

const gap = 90;

/**
 * A node's size before React Flow measured it (text edits create nodes the canvas has not drawn
 * yet): generous per kind, so nodes placed from estimates do not overlap once drawn.
 */
export function estimatedSize(node: MappingNode): Size {
  switch (node.kind) {
    case 'valueMap':
      return { width: 240, height: 170 };
    case 'custom':
      return { width: 240, height: 140 };
    case 'lookup':
    case 'conditional':
      return { width: 220, height: 130 };
    case 'loop':
    case 'coalesce':
      return { width: 210, height: 110 };
    default:
      return { width: 210, height: 100 };
  }
}

/** Layout metrics from what the canvas shows now: trees scroll, so rows out of view count as their top or bottom edge. */
export function viewMetrics(state: {
  measured: Readonly<Record<string, Size>>;
  windows: Readonly<Record<string, RowWindow>>;
}): LayoutMetrics {
  return {
    measured: state.measured,
    rowOffset: (nodeId, path) => {
      const window = state.windows[nodeId];
      const position = window?.index.get(path);
      if (!window || position === undefined) return undefined;
      const visible = Math.min(Math.max(position - window.start, 0), window.end - window.start + 1);
      return treeHeaderHeight + treeMarkerHeight + visible * treeRowHeight + treeRowHeight / 2;
    },
  };
}

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
  const sourceSize = metrics.measured[source.id] ?? { width: treeWidth, height: 600 };

  const layout = new dagre.graphlib.Graph();
  layout.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: gap, marginx: 0, marginy: 0 });
  layout.setDefaultEdgeLabel(() => ({}));
  for (const node of functions) {
    const size = metrics.measured[node.id] ?? estimatedSize(node);
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

const margin = 20;

/**
 * Places the function nodes a text edit (or anything else) added: where the dagre layout of the
 * whole graph puts them, pushed down past any node already there, and the target tree moved
 * right when the nodes need the room. Nodes the analyst placed stay where they are.
 */
export function placeNewNodes(previous: MappingGraph, next: MappingGraph, metrics: LayoutMetrics): MappingGraph {
  const known = new Set(previous.nodes.map((node) => node.id));
  const fresh = next.nodes.filter((node) => !isSchemaNode(node) && !known.has(node.id));
  if (fresh.length === 0) return next;
  const laidOut = layoutGraph(next, metrics);
  const sizeOf = (node: MappingNode) => metrics.measured[node.id] ?? estimatedSize(node);
  const boxes = next.nodes
    .filter((node) => !isSchemaNode(node) && known.has(node.id))
    .map((node) => ({ ...node.position, ...sizeOf(node) }));
  const positions = new Map<string, { x: number; y: number }>();
  const ordered = [...fresh].sort((a, b) => (laidOut.get(a.id)?.y ?? 0) - (laidOut.get(b.id)?.y ?? 0));
  for (const node of ordered) {
    const size = sizeOf(node);
    const spot = { ...(laidOut.get(node.id) ?? node.position) };
    for (let attempt = 0; attempt <= boxes.length; attempt += 1) {
      const hit = boxes.find((box) => overlaps(box, { ...spot, ...size }, margin));
      if (!hit) break;
      spot.y = hit.y + hit.height + margin;
    }
    positions.set(node.id, spot);
    boxes.push({ ...spot, ...size });
  }
  // The target tree goes right of every function node, old or new (never left: the analyst may have placed it).
  const source = next.nodes.find((node) => node.kind === 'source');
  const target = next.nodes.find((node) => node.kind === 'target');
  if (source && target) {
    const right = Math.max(...boxes.map((box) => box.x + box.width));
    if (target.position.x < right + margin * 2)
      positions.set(target.id, { x: Math.round(right + gap), y: target.position.y });
  }
  return moveNodes(next, positions);
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Two boxes closer than `margin` on both axes. */
export function overlaps(a: Box, b: Box, margin = 0): boolean {
  return (
    a.x < b.x + b.width + margin &&
    b.x < a.x + a.width + margin &&
    a.y < b.y + b.height + margin &&
    b.y < a.y + a.height + margin
  );
}
