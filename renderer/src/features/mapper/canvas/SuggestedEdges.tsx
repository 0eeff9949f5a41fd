import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps, type EdgeTypes } from '@xyflow/react';
import { useMemo } from 'react';
import { readableHandle } from '../../../../../shared/mapping/auto-map';
import type { MapperFlowEdge } from '../model/flow-adapters';
import { sourceNode, targetNode } from '../model/graph-edits';
import { resolveHandle } from '../model/schema-tree';
import { useMapper } from '../store/mapper-context';
import './suggestions.css';

/**
 * Auto-map suggestions previewed on the canvas before they are accepted: each pending suggestion is
 * a dashed edge from its source field to its target field, with accept / reject buttons at the
 * target end. They are views of the suggestion slice, never part of the mapping graph, so the
 * graph (and its JSONata) changes only when one is accepted.
 */
export type SuggestedFlowEdge = Edge<
  {
    target: string;
    source: string;
    confidence: number;
    needs?: string;
    /** The target field is scrolled out of view: the line goes to the tree's edge, without buttons. */
    proxied: boolean;
  },
  'suggested'
>;

export const suggestedEdgePrefix = 'suggested:';

function SuggestedEdge(props: EdgeProps<SuggestedFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data } = props;
  const accept = useMapper((state) => state.acceptSuggestion);
  const reject = useMapper((state) => state.rejectSuggestion);
  const [path] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  if (!data) return null;
  if (data.proxied) return <BaseEdge id={id} path={path} className="suggested-edge-path" />;
  const pair = `${readableHandle(data.source)} → ${readableHandle(data.target)}`;
  return (
    <>
      <BaseEdge id={id} path={path} className="suggested-edge-path" />
      <EdgeLabelRenderer>
        <div
          className="suggested-edge-actions nodrag nopan"
          // At the target end, where the eye checks "is this the right field?"; rows are 26 px apart.
          style={{ transform: `translate(-100%, -50%) translate(${targetX - 8}px, ${targetY}px)` }}
          data-testid={`suggested-edge-${data.target}`}
          title={`Suggested: ${pair} (${Math.round(data.confidence * 100)}%${data.needs ? `, needs a ${data.needs === 'valueMap' ? 'value map' : 'lookup'}` : ''})`}
        >
          <span className="suggested-edge-confidence">{Math.round(data.confidence * 100)}%</span>
          <button type="button" aria-label={`Accept ${pair}`} onClick={() => accept(data.target)}>
            ✓
          </button>
          <button type="button" aria-label={`Reject ${pair}`} onClick={() => reject(data.target)}>
            ✕
          </button>
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

/** At module scope: a new object per render would remount every edge. */
export const suggestedEdgeTypes = { suggested: SuggestedEdge } satisfies EdgeTypes;

/** The canvas's edges plus a dashed one per pending suggestion whose fields are on the canvas. */
export function useWithSuggestedEdges(edges: MapperFlowEdge[]): MapperFlowEdge[] {
  const suggestions = useMapper((state) => state.suggestions);
  const graph = useMapper((state) => state.graph);
  const windows = useMapper((state) => state.windows);
  return useMemo(() => {
    const from = sourceNode(graph);
    const to = targetNode(graph);
    // A field mapped meanwhile (by hand, or by another accepted row) needs no preview any more.
    const mapped = new Set(graph.edges.filter((edge) => edge.target === to?.id).map((edge) => edge.targetHandle));
    const pending = suggestions.filter((row) => row.status === 'pending' && !mapped.has(row.target));
    if (!from || !to || pending.length === 0) return edges;
    const suggested: SuggestedFlowEdge[] = pending.flatMap((row) => {
      const sourceHandle = resolveHandle(row.source, windows[from.id]);
      const targetHandle = resolveHandle(row.target, windows[to.id]);
      if (sourceHandle === undefined || targetHandle === undefined) return [];
      return [
        {
          id: `${suggestedEdgePrefix}${row.target}`,
          type: 'suggested' as const,
          source: from.id,
          target: to.id,
          sourceHandle,
          targetHandle,
          selectable: false,
          deletable: false,
          focusable: false,
          className: 'suggested',
          data: {
            target: row.target,
            source: row.source,
            confidence: row.confidence,
            needs: row.needs,
            proxied: targetHandle !== row.target,
          },
        },
      ];
    });
    return [...edges, ...suggested];
  }, [edges, suggestions, graph, windows]);
}
