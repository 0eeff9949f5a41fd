import type { MappingGraph } from '../../../../../shared/mapping';
import { isSchemaNode, type Size } from './flow-adapters';

const defaultSize: Size = { width: 200, height: 90 };
const margin = 16;

/**
 * Where a node added "in the middle of the view" goes: there, or straight below the nodes it
 * would cover, so pressing the palette twice never stacks two nodes (and hides the first one's ports).
 */
export function freeSpot(
  graph: MappingGraph,
  measured: Readonly<Record<string, Size>>,
  wanted: { x: number; y: number },
  size: Size = defaultSize,
): { x: number; y: number } {
  const boxes = graph.nodes
    .filter((node) => !isSchemaNode(node))
    .map((node) => ({ ...node.position, ...(measured[node.id] ?? defaultSize) }));
  const spot = { ...wanted };
  for (let attempt = 0; attempt < boxes.length + 1; attempt += 1) {
    const hit = boxes.find(
      (box) =>
        spot.x < box.x + box.width + margin &&
        box.x < spot.x + size.width + margin &&
        spot.y < box.y + box.height + margin &&
        box.y < spot.y + size.height + margin,
    );
    if (!hit) break;
    spot.y = hit.y + hit.height + margin;
  }
  return spot;
}

/** The box around every node at its graph position (measured sizes where known), for fitting the view right after a layout. */
export function graphBounds(
  graph: MappingGraph,
  measured: Readonly<Record<string, Size>>,
  only: (node: MappingGraph['nodes'][number]) => boolean = () => true,
): { x: number; y: number; width: number; height: number } | undefined {
  const nodes = graph.nodes.filter(only);
  if (nodes.length === 0) return undefined;
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const node of nodes) {
    const size = measured[node.id] ?? (isSchemaNode(node) ? { width: 280, height: 610 } : defaultSize);
    left = Math.min(left, node.position.x);
    top = Math.min(top, node.position.y);
    right = Math.max(right, node.position.x + size.width);
    bottom = Math.max(bottom, node.position.y + size.height);
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}
