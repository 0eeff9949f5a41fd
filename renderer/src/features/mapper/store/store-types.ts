import type { ConversionFix } from '../../../../../shared/mapping/conversion-fix';
import type { SampleRecord } from '../../../../../shared/api/samples.contract';
import type { ConnectionId } from '../../../../../shared/domain/connection';
import type { EntitySchema } from '../../../../../shared/domain/entity-schema';
import type { ErrorInfo } from '../../../../../shared/errors';
import type {
  ConnectResult,
  Connection,
  MappingEdge,
  MappingGraph,
  NodeOfKind,
  PreviewResult,
  SuggestionCandidate,
  ValidationReport,
} from '../../../../../shared/mapping';
import type { CompiledView } from '../model/compile-view';
import type { Size } from '../model/flow-adapters';
import type { ExpressionKind, NodeTemplate } from '../model/graph-edits';
import type { LayoutMetrics } from '../model/layout';
import type { FieldSelection, Lineage } from '../model/lineage';
import type { RowWindow } from '../model/schema-tree';

/** The mapping graph: the only part undo/redo tracks. */
export interface GraphSlice {
  graph: MappingGraph;
  addNodeAt(template: NodeTemplate, position: { x: number; y: number }): string;
  connectPorts(connection: Connection): ConnectResult;
  removeElements(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  deleteSelection(): void;
  /** Ends a drag: the positions land in the graph as one undoable step. */
  commitPositions(positions: ReadonlyMap<string, { x: number; y: number }>): void;
  updateNode<K extends ExpressionKind>(nodeId: string, kind: K, data: NodeOfKind<K>['data']): void;
  setMatchKey(keys: readonly string[]): void;
  /** Puts a value map (seeded from the samples × the target picklist) in front of a target field. */
  insertValueMapFor(targetPath: string): string | undefined;
  /** Wraps what feeds a target field in a conversion (an Issues quick fix for a date or number shape). */
  insertConversionFor(targetPath: string, fix: ConversionFix['kind']): string | undefined;
  seedValueMapNode(nodeId: string): void;
  autoLayout(metrics: LayoutMetrics): void;
}

export interface SuggestionRow {
  target: string;
  source: string;
  confidence: number;
  reason: SuggestionCandidate['reason'];
  /** Not a plain copy: the target takes coded values (a value map) or a record id (a lookup). */
  needs?: SuggestionCandidate['needs'];
  candidates: SuggestionCandidate[];
  status: 'pending' | 'accepted' | 'rejected' | 'failed';
  note?: string;
}

/** A reference field auto-map would fill from a source key, through a Lookup node the analyst draws. */
export interface LookupHint {
  target: string;
  source: string;
  /** The entity the reference points at (`Account`, `transactioncurrency`). */
  entity?: string;
}

export interface SuggestionSlice {
  suggestions: SuggestionRow[];
  /** Reference fields that need a lookup, never a copy: shown beside the suggestions, not accepted as edges. */
  lookupHints: LookupHint[];
  runAutoMap(): number;
  chooseCandidate(target: string, source: string): void;
  acceptSuggestion(target: string): void;
  rejectSuggestion(target: string): void;
  /** Accepts every pending suggestion as one undoable step. */
  acceptAll(): void;
  /** Rejects every pending suggestion (their dashed previews leave the canvas). */
  rejectAll(): void;
}

export interface TextSlice {
  /** Hand-edited JSONata; shown while `basis` is still the current graph. */
  draft?: { text: string; basis: MappingGraph };
  textError?: { message: string; position?: number };
  editText(text: string): void;
  /** Parses the draft into the graph; the graph stays untouched when it does not parse. */
  applyText(): boolean;
}

export type PanelId = 'jsonata' | 'preview' | 'issues' | 'automap' | 'inspect';

export interface ViewSlice {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  dragPositions: Readonly<Record<string, { x: number; y: number }>>;
  measured: Readonly<Record<string, Size>>;
  windows: Readonly<Record<string, RowWindow>>;
  fieldSelection?: FieldSelection;
  lineage: Lineage;
  compiled: CompiledView;
  search: string;
  collapsed: Readonly<Record<string, ReadonlySet<string>>>;
  panel: PanelId;
  /** The canvas centres on this node when the nonce changes. */
  focus?: { nodeId: string; nonce: number };
  notice?: { tone: 'info' | 'error'; message: string; nonce: number };
  setSelection(nodes: ReadonlySet<string>, edges: ReadonlySet<string>): void;
  dragTo(positions: Readonly<Record<string, { x: number; y: number }>>): void;
  setMeasured(sizes: Readonly<Record<string, Size>>): void;
  setWindow(nodeId: string, window: RowWindow): void;
  selectField(selection: FieldSelection | undefined): void;
  setSearch(search: string): void;
  toggleCollapsed(nodeId: string, path: string): void;
  showPanel(panel: PanelId): void;
  focusNode(nodeId: string): void;
  notify(tone: 'info' | 'error', message: string): void;
  /** Bumped to ask the canvas to fit the trees (Fit, F, Layout, focus mode). */
  fitRequest: number;
  requestFit(): void;
  /** Focus mode: the canvas takes the window (Esc leaves). */
  focusMode: boolean;
  setFocusMode(on: boolean): void;
  /**
   * A field or port picked by keyboard (C) waiting for its other end: `source` is an output end
   * (a source field, a node's output), `target` an input end (a target field, a node's input).
   */
  picked?: { side: 'source' | 'target'; path: string; nodeId: string };
  /** A drop onto an input that is already fed: the analyst confirms replacing `replaces`. */
  pendingReplace?: { connection: Connection; replaces: MappingEdge };
  /** What screen readers hear about keyboard connecting (an aria-live region shows it). */
  announcement?: { text: string; nonce: number };
  /** C on a focused field or port: picks it, or connects it to the picked end of the other kind. */
  pickField(side: 'source' | 'target', path: string, nodeId?: string): void;
  cancelPick(): void;
  /** Connects, or asks first when the input is already fed (see pendingReplace). */
  requestConnection(connection: Connection): void;
  resolveReplace(replace: boolean): void;
}

export interface Side {
  connectionId: ConnectionId;
  entity: string;
  schema: EntitySchema;
  /** Source only: the mapping maps one line of this list (`lines`); `schema` is then the line's. */
  lines?: string;
}

export interface SessionSlice {
  mappingId?: string;
  name: string;
  source?: Side;
  target?: Side;
  samples: SampleRecord[];
  samplesStatus: 'idle' | 'loading' | 'ready' | 'error';
  samplesError?: ErrorInfo;
  preview?: PreviewResult;
  report?: ValidationReport;
  previewBusy: boolean;
  /** The graph as last saved or loaded; dirty while it differs. */
  savedGraph?: MappingGraph;
  /** Graph and name as opened or last saved: leaving loses work while either differs (see hasUnsavedChanges). */
  baseline: { graph: MappingGraph; name: string };
  /** `updatedAt` of the saved version this session started from (or last saved); none for a new mapping. */
  savedVersion?: string;
  setName(name: string): void;
  setSamples(status: SessionSlice['samplesStatus'], samples?: SampleRecord[], error?: ErrorInfo): void;
  setPreview(preview: PreviewResult | undefined, report: ValidationReport | undefined): void;
  setPreviewBusy(busy: boolean): void;
  markSaved(mappingId: string, name: string, savedVersion: string): void;
  /** Puts a draft's graph and name back as one undoable step (undo returns to the saved version). */
  restoreDraft(graph: MappingGraph, name: string): void;
}

export type MapperState = GraphSlice & SuggestionSlice & TextSlice & ViewSlice & SessionSlice;

export type SetState = (partial: Partial<MapperState> | ((state: MapperState) => Partial<MapperState>)) => void;
export type GetState = () => MapperState;
export type SliceCreator<T> = (set: SetState, get: GetState) => T;
