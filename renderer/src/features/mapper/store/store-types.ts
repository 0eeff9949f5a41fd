import type { ConversionFix } from '../../../../../shared/mapping/conversion-fix';
import type { SampleRecord } from '../../../../../shared/api/samples.contract';
import type { ConnectionId } from '../../../../../shared/domain/connection';
import type { EntitySchema } from '../../../../../shared/domain/entity-schema';
import type { ErrorInfo } from '../../../../../shared/errors';
import type {
  ConnectResult,
  Connection,
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
  candidates: SuggestionCandidate[];
  status: 'pending' | 'accepted' | 'rejected' | 'failed';
  note?: string;
}

export interface SuggestionSlice {
  suggestions: SuggestionRow[];
  runAutoMap(): number;
  chooseCandidate(target: string, source: string): void;
  acceptSuggestion(target: string): void;
  rejectSuggestion(target: string): void;
  /** Accepts every pending suggestion as one undoable step. */
  acceptAll(): void;
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
