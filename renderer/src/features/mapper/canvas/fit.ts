import type { ReactFlowInstance } from '@xyflow/react';
import { isSchemaNode } from '../model/flow-adapters';
import { graphBounds } from '../model/placement';
import type { MapperStore } from '../store/mapper.store';
import type { MapperFlowEdge, MapperFlowNode } from '../model/flow-adapters';

/** Field names are 13 px: below this zoom they render under 11 px, too small to read (issue 19). */
export const fieldNamePx = 13;
export const readableZoom = 11 / fieldNamePx;
const paddingPx = 14;

/**
 * Fits the two schema trees (function nodes between them come along), never zooming below the
 * readable floor nor above 1. When the trees do not fit at the floor the view keeps their left
 * and top edges (field names start there) and the rest is a pan away, instead of shrinking
 * everything to unreadable or cutting both trees in the middle.
 */
export function fitTrees(
  flow: ReactFlowInstance<MapperFlowNode, MapperFlowEdge>,
  store: MapperStore,
  options: { duration?: number } = {},
): boolean {
  const pane = document.querySelector<HTMLElement>('[data-testid="mapper-canvas"]');
  const state = store.getState();
  const bounds = graphBounds(state.graph, state.measured, isSchemaNode);
  if (!pane || !bounds || pane.clientWidth === 0 || pane.clientHeight === 0) return false;
  const width = pane.clientWidth - paddingPx * 2;
  const height = pane.clientHeight - paddingPx * 2;
  const zoom = Math.min(1, Math.max(readableZoom, Math.min(width / bounds.width, height / bounds.height)));
  const fitsAcross = bounds.width * zoom <= width;
  const fitsDown = bounds.height * zoom <= height;
  const x = (fitsAcross ? paddingPx + (width - bounds.width * zoom) / 2 : paddingPx) - bounds.x * zoom;
  const y = (fitsDown ? paddingPx + (height - bounds.height * zoom) / 2 : paddingPx) - bounds.y * zoom;
  void flow.setViewport({ x, y, zoom }, { duration: options.duration ?? 0 });
  return true;
}
