import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  type EdgeChange,
  type FinalConnectionState,
  type IsValidConnection,
  type NodeChange,
  type OnConnect,
  type OnDelete,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../app/app.store';
import {
  FlowEdgeCache,
  FlowNodeCache,
  toConnection,
  type CanvasView,
  type MapperFlowEdge,
  type MapperFlowNode,
  type Size,
} from '../model/flow-adapters';
import type { NodeTemplate } from '../model/graph-edits';
import { useMapper, useMapperStoreApi } from '../store/mapper-context';
import { connectionVerdict } from '../store/view.slice';
import { ChoiceDialog } from '../ChoiceDialog';
import { readUiPrefs, updateUiPrefs } from '../ui-prefs';
import { fitTrees, readableZoom } from './fit';
import { nodeTypes } from './node-types';
import { paletteMime } from './Palette';
import { suggestedEdgeTypes, useWithSuggestedEdges } from './SuggestedEdges';

const deleteKeys = ['Backspace', 'Delete'];
const proOptions = { hideAttribution: true };
// Small on purpose: it must never hide a real part of the canvas (CSS also drops it on a narrow canvas).
const miniMapStyle = { width: 120, height: 76 };

/** The canvas: a view of the graph in the store; every change goes back through store actions. */
export function MapperCanvas() {
  const store = useMapperStoreApi();
  const flow = useReactFlow<MapperFlowNode, MapperFlowEdge>();
  const theme = useAppStore((state) => state.theme);
  const view = useMapper(
    useShallow((state): CanvasView & { graph: typeof state.graph } => ({
      graph: state.graph,
      selectedNodes: state.selectedNodes,
      selectedEdges: state.selectedEdges,
      dragPositions: state.dragPositions,
      measured: state.measured,
      lineage: state.lineage,
      windows: state.windows,
    })),
  );
  const pane = useRef<HTMLDivElement>(null);
  const nodeCache = useRef(new FlowNodeCache());
  const edgeCache = useRef(new FlowEdgeCache());
  const nodes = useMemo(() => nodeCache.current.derive(view.graph, view), [view]);
  const edges = useWithSuggestedEdges(useMemo(() => edgeCache.current.derive(view.graph, view), [view]));

  const onNodesChange = useCallback(
    (changes: NodeChange<MapperFlowNode>[]) => {
      const state = store.getState();
      const dragging: Record<string, { x: number; y: number }> = {};
      const dropped = new Map<string, { x: number; y: number }>();
      const sizes: Record<string, Size> = {};
      let selection: Set<string> | undefined;
      for (const change of changes) {
        if (change.type === 'position' && change.position) {
          if (change.dragging) dragging[change.id] = change.position;
          else dropped.set(change.id, change.position);
        } else if (change.type === 'dimensions' && change.dimensions) {
          sizes[change.id] = { width: change.dimensions.width, height: change.dimensions.height };
        } else if (change.type === 'select') {
          selection ??= new Set(state.selectedNodes);
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        }
      }
      if (Object.keys(sizes).length > 0) state.setMeasured(sizes);
      if (Object.keys(dragging).length > 0) state.dragTo(dragging);
      if (
        dropped.size > 0 ||
        (Object.keys(dragging).length === 0 && changes.some((change) => change.type === 'position' && !change.dragging))
      ) {
        // A drag ended: every node that moved lands in the graph as one step.
        const positions = new Map(Object.entries(store.getState().dragPositions));
        for (const [id, position] of dropped) positions.set(id, position);
        state.commitPositions(positions);
      }
      if (selection) state.setSelection(selection, state.selectedEdges);
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<MapperFlowEdge>[]) => {
      const state = store.getState();
      let selection: Set<string> | undefined;
      for (const change of changes) {
        if (change.type !== 'select') continue;
        selection ??= new Set(state.selectedEdges);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      }
      if (selection) state.setSelection(state.selectedNodes, selection);
    },
    [store],
  );

  const isValidConnection = useCallback<IsValidConnection<MapperFlowEdge>>(
    (connection) => {
      // An input that is already fed still takes the drop: the analyst is then asked whether to replace.
      const candidate = toConnection(connection);
      return candidate !== undefined && connectionVerdict(store.getState().graph, candidate).kind !== 'refused';
    },
    [store],
  );

  const onConnect = useCallback<OnConnect>(
    (connection) => {
      const candidate = toConnection(connection);
      if (candidate) store.getState().requestConnection(candidate);
    },
    [store],
  );

  // Say why a drop was refused instead of silently snapping back.
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromHandle || !state.toHandle) return;
      const from = state.fromHandle.type === 'source' ? state.fromHandle : state.toHandle;
      const to = state.fromHandle.type === 'source' ? state.toHandle : state.fromHandle;
      if (!from.id || !to.id) return;
      const verdict = connectionVerdict(store.getState().graph, {
        source: from.nodeId,
        sourceHandle: from.id,
        target: to.nodeId,
        targetHandle: to.id,
      });
      if (verdict.kind === 'refused') store.getState().notify('error', verdict.reason);
    },
    [store],
  );

  const onDelete = useCallback<OnDelete<MapperFlowNode, MapperFlowEdge>>(
    ({ nodes: removedNodes, edges: removedEdges }) => {
      store.getState().removeElements(
        removedNodes.map((node) => node.id),
        removedEdges.map((edge) => edge.id),
      );
    },
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(paletteMime)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const raw = event.dataTransfer.getData(paletteMime);
      if (!raw) return;
      event.preventDefault();
      const template = JSON.parse(raw) as NodeTemplate;
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      store.getState().addNodeAt(template, { x: Math.round(position.x), y: Math.round(position.y) });
    },
    [flow, store],
  );

  // Fit once every node has its real size (both trees, whatever the first viewport was), and
  // again whenever the canvas changes size (panels collapse, focus mode, the window resizes)
  // until the analyst pans or zooms; an explicit fit (Fit, F, Layout) starts following again.
  const initialized = useNodesInitialized();
  const fitted = useRef(false);
  const follow = useRef(true);
  useEffect(() => {
    if (!initialized || fitted.current) return;
    fitted.current = true;
    fitTrees(flow, store);
  }, [initialized, flow, store]);
  const fitRequest = useMapper((state) => state.fitRequest);
  useEffect(() => {
    if (fitRequest === 0) return;
    follow.current = true;
    fitTrees(flow, store, { duration: 250 });
  }, [fitRequest, flow, store]);
  useEffect(() => {
    const element = pane.current;
    if (!element) return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (follow.current && fitted.current) fitTrees(flow, store);
      });
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [flow, store]);
  const onMoveStart = useCallback((event: MouseEvent | TouchEvent | null) => {
    // Only the analyst's own panning or zooming has an event; fits and focus moves have none.
    if (event) follow.current = false;
  }, []);

  // Bring a node picked elsewhere (issues panel, value-map quick fix) into view without losing
  // the two trees: nothing moves when it already shows, else the view fits it and both trees
  // (never zooming in), so the analyst keeps seeing what the node connects.
  const focus = useMapper((state) => state.focus);
  useEffect(() => {
    if (!focus) return;
    const timer = setTimeout(() => {
      const node = flow.getInternalNode(focus.nodeId);
      const bounds = pane.current?.getBoundingClientRect();
      if (!node || !bounds) return;
      const topLeft = flow.screenToFlowPosition({ x: bounds.left, y: bounds.top });
      const bottomRight = flow.screenToFlowPosition({ x: bounds.right, y: bounds.bottom });
      const box = {
        x: node.internals.positionAbsolute.x,
        y: node.internals.positionAbsolute.y,
        width: node.measured.width ?? 200,
        height: node.measured.height ?? 80,
      };
      if (
        box.x >= topLeft.x &&
        box.y >= topLeft.y &&
        box.x + box.width <= bottomRight.x &&
        box.y + box.height <= bottomRight.y
      )
        return;
      const trees = store
        .getState()
        .graph.nodes.filter((candidate) => candidate.kind === 'source' || candidate.kind === 'target');
      void flow.fitView({
        nodes: [...trees, { id: node.id }],
        padding: 0.06,
        maxZoom: Math.max(flow.getZoom(), readableZoom),
        minZoom: Math.min(flow.getZoom(), readableZoom),
        duration: 300,
      });
    }, 30);
    return () => clearTimeout(timer);
  }, [focus, flow, store]);

  const [minimap, setMinimap] = useState(() => readUiPrefs(localStorage, window.innerWidth).minimap);
  const toggleMinimap = () => {
    setMinimap(!minimap);
    updateUiPrefs(localStorage, window.innerWidth, { minimap: !minimap });
  };

  return (
    <div className="mapper-canvas" ref={pane} data-testid="mapper-canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<MapperFlowNode, MapperFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={suggestedEdgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onDelete={onDelete}
        deleteKeyCode={deleteKeys}
        colorMode={theme}
        minZoom={0.1}
        maxZoom={2}
        proOptions={proOptions}
        connectionRadius={24}
        onMoveStart={onMoveStart}
      >
        <Background gap={20} size={1} />
        {minimap && (
          <MiniMap pannable zoomable position="bottom-right" ariaLabel="Mapping overview" style={miniMapStyle} />
        )}
        <Controls showInteractive={false} showFitView={false} orientation="horizontal" position="bottom-center">
          <ControlButton
            onClick={() => store.getState().requestFit()}
            title="Fit the trees (F)"
            aria-label="Fit the trees"
          >
            ⤢
          </ControlButton>
          <ControlButton
            onClick={toggleMinimap}
            title={minimap ? 'Hide the overview map' : 'Show the overview map'}
            aria-label={minimap ? 'Hide the overview map' : 'Show the overview map'}
            aria-pressed={minimap}
            data-testid="toggle-minimap"
          >
            ▣
          </ControlButton>
        </Controls>
      </ReactFlow>
      <Announcer />
      <ReplaceEdgeDialog />
    </div>
  );
}

/** Says what keyboard connecting did, for screen readers (and visibly while a field is picked). */
function Announcer() {
  const announcement = useMapper((state) => state.announcement);
  // Shown on the canvas only while a field is picked (what to do next); always heard.
  const picking = useMapper((state) => state.picked !== undefined);
  return (
    <div
      className={`canvas-announcer${picking ? ' visible' : ''}`}
      aria-live="polite"
      role="status"
      data-testid="canvas-announcer"
    >
      {announcement?.text ?? ''}
    </div>
  );
}

/** The input a drop landed on is already fed: replace that edge, or keep it (Escape). */
function ReplaceEdgeDialog() {
  const pending = useMapper((state) => state.pendingReplace);
  const resolve = useMapper((state) => state.resolveReplace);
  if (!pending) return null;
  const { connection, replaces } = pending;
  return (
    <ChoiceDialog
      title="Replace the connection?"
      testId="replace-edge"
      initial={0}
      onCancel={() => resolve(false)}
      choices={[
        { label: 'Replace', tone: 'primary', onChoose: () => resolve(true), testId: 'replace-edge-confirm' },
        { label: 'Keep the current one', onChoose: () => resolve(false), testId: 'replace-edge-keep' },
      ]}
    >
      <p>
        <code>{connection.targetHandle}</code> is already fed by <code>{replaces.sourceHandle}</code>
        {replaces.source !== 'source' ? ` (from ${replaces.source})` : ''}. Replace it with{' '}
        <code>{connection.sourceHandle}</code>
        {connection.source !== 'source' ? ` (from ${connection.source})` : ''}?
      </p>
    </ChoiceDialog>
  );
}
