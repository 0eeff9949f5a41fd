import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { api } from '../../api/client';
import { useAppStore, type LeaveGuard } from '../../app/app.store';
import { MapperCanvas } from './canvas/MapperCanvas';
import { Palette } from './canvas/Palette';
import { headerHeight, rowHeight } from './canvas/SchemaNode';
import { loadSamples, saveMapping } from './mapper-session';
import { graphBounds } from './model/placement';
import { IssuesPanel } from './panels/IssuesPanel';
import { InspectPanel } from './panels/InspectPanel';
import { JsonataPanel } from './panels/JsonataPanel';
import { PreviewPanel } from './panels/PreviewPanel';
import { ReverseBanner } from './panels/ReverseBanner';
import type { ReverseReport } from '../flows/reverse-flow';
import { SuggestionsPanel } from './panels/SuggestionsPanel';
import { MapperStoreProvider, useHistory, useMapper } from './store/mapper-context';
import { hasUnsavedChanges, redo, undo, type MapperStore } from './store/mapper.store';
import type { PanelId } from './store/store-types';
import { LeaveDialog, openIssues, RestoreDialog, SaveWithIssuesDialog } from './UnsavedDialogs';
import { useDraftKeeper } from './use-draft-keeper';
import { usePreviewRunner } from './use-preview-runner';
import { useMapperShortcuts } from './use-mapper-shortcuts';

/** One open mapping: its own store, canvas, palette and side panels. */
export function MapperEditor({
  store,
  onClose,
  reverse,
}: {
  store: MapperStore;
  onClose(): void;
  /** Opened by "Reverse flow": what was and was not turned round. */
  reverse?: ReverseReport;
}) {
  return (
    <MapperStoreProvider store={store}>
      <ReactFlowProvider>
        <EditorFrame store={store} onClose={onClose} reverse={reverse} />
      </ReactFlowProvider>
    </MapperStoreProvider>
  );
}

function EditorFrame({ store, onClose, reverse }: { store: MapperStore; onClose(): void; reverse?: ReverseReport }) {
  const [sampleSize, setSampleSize] = useState(50);
  usePreviewRunner(store);
  useEffect(() => {
    void loadSamples(api, store, sampleSize);
  }, [store, sampleSize]);
  const flow = useReactFlow();
  const layout = useCallback(() => {
    const state = store.getState();
    state.autoLayout({
      measured: state.measured,
      // Where the row shows now: trees scroll, so rows out of view count as their top or bottom edge.
      rowOffset: (nodeId, path) => {
        const window = state.windows[nodeId];
        const position = window?.index.get(path);
        if (!window || position === undefined) return undefined;
        const visible = Math.min(Math.max(position - window.start, 0), window.end - window.start + 1);
        return headerHeight + visible * rowHeight + rowHeight / 2;
      },
    });
    // Fit the laid-out positions themselves: the canvas has not re-rendered them yet.
    const bounds = graphBounds(store.getState().graph, state.measured);
    if (bounds) void flow.fitBounds(bounds, { padding: 0.06, duration: 250 });
  }, [store, flow]);
  useMapperShortcuts(store, layout);
  const drafts = useDraftKeeper(store);
  const [leaving, setLeaving] = useState<{ leave(): void }>();
  useLeaveGuard(store, setLeaving);
  const back = () => (hasUnsavedChanges(store.getState()) ? setLeaving({ leave: onClose }) : onClose());
  // Panel widths are the analyst's choice: remembered across mappings and sessions.
  const panels = useDefaultLayout({
    id: 'mapper-panels',
    panelIds: ['palette', 'canvas', 'side'],
    storage: localStorage,
    onlySaveAfterUserInteractions: true,
  });

  return (
    <div className="mapper-editor" data-testid="mapper-editor">
      <Toolbar store={store} onClose={back} onLayout={layout} />
      {reverse && <ReverseBanner report={reverse} />}
      <Group
        className="mapper-body"
        orientation="horizontal"
        disableCursor
        defaultLayout={panels.defaultLayout}
        onLayoutChanged={panels.onLayoutChanged}
      >
        <Panel
          id="palette"
          className="mapper-pane"
          defaultSize="168px"
          minSize="120px"
          maxSize="320px"
          groupResizeBehavior="preserve-pixel-size"
        >
          <Palette />
        </Panel>
        <Separator className="mapper-splitter" aria-label="Resize the palette" data-testid="splitter-palette" />
        <Panel id="canvas" className="mapper-pane" minSize="240px">
          <MapperCanvas />
        </Panel>
        <Separator className="mapper-splitter" aria-label="Resize the side panel" data-testid="splitter-side" />
        <Panel
          id="side"
          className="mapper-pane"
          defaultSize="400px"
          minSize="280px"
          maxSize="65%"
          groupResizeBehavior="preserve-pixel-size"
        >
          <SidePanel
            sampleSize={sampleSize}
            onSampleSize={setSampleSize}
            onReload={() => void loadSamples(api, store, sampleSize)}
          />
        </Panel>
      </Group>
      <Notice />
      {leaving && (
        <LeaveDialog
          store={store}
          onLeave={() => {
            setLeaving(undefined);
            leaving.leave();
          }}
          onDiscard={() => {
            drafts.discard();
            setLeaving(undefined);
            leaving.leave();
          }}
          onKeep={() => setLeaving(undefined)}
        />
      )}
      {drafts.offer && (
        <RestoreDialog
          draft={drafts.offer}
          savedVersion={store.getState().savedVersion}
          onRestore={drafts.restore}
          onDiscard={drafts.decline}
        />
      )}
    </div>
  );
}

/**
 * While the mapping has unsaved changes: other screens ask first (the app's leave guard), and
 * closing or reloading the window asks too (`beforeunload`; the Electron shell answers it with
 * a native dialog, see electron/main/window.ts).
 */
function useLeaveGuard(store: MapperStore, ask: (request: { leave(): void }) => void): void {
  useEffect(() => {
    const guard: LeaveGuard = { blocks: () => hasUnsavedChanges(store.getState()), ask: (leave) => ask({ leave }) };
    const app = useAppStore.getState();
    app.setLeaveGuard(guard);
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!guard.blocks()) return;
      event.preventDefault();
      // Older Chromium (and Electron) still want returnValue set to show the prompt.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      useAppStore.getState().clearLeaveGuard(guard);
    };
  }, [store, ask]);
}

function Toolbar({ store, onClose, onLayout }: { store: MapperStore; onClose(): void; onLayout(): void }) {
  const flow = useReactFlow();
  const name = useMapper((state) => state.name);
  const setName = useMapper((state) => state.setName);
  const source = useMapper((state) => state.source);
  const target = useMapper((state) => state.target);
  const search = useMapper((state) => state.search);
  const setSearch = useMapper((state) => state.setSearch);
  const runAutoMap = useMapper((state) => state.runAutoMap);
  const dirty = useMapper((state) => state.savedGraph === undefined || hasUnsavedChanges(state));
  const notify = useMapper((state) => state.notify);
  const { canUndo, canRedo } = useHistory();
  const [saving, setSaving] = useState(false);

  const [asking, setAsking] = useState<string[]>();
  // Finished save attempts: lets tests (and tools) tell a save that ran from one that asked first.
  const [saveAttempts, setSaveAttempts] = useState(0);
  const save = async (anyway = false) => {
    const issues = openIssues(store.getState());
    if (!anyway && issues.length > 0) return setAsking(issues);
    setAsking(undefined);
    setSaving(true);
    const outcome = await saveMapping(api, store);
    setSaving(false);
    setSaveAttempts((count) => count + 1);
    notify(outcome.saved ? 'info' : 'error', outcome.message);
  };
  return (
    <div className="mapper-toolbar">
      {asking && (
        <SaveWithIssuesDialog
          issues={asking}
          onSave={() => void save(true)}
          onShowIssues={() => {
            setAsking(undefined);
            store.getState().showPanel('issues');
          }}
          onKeep={() => setAsking(undefined)}
        />
      )}
      <button
        type="button"
        className="button ghost"
        onClick={onClose}
        aria-label="Back to all mappings"
        data-testid="mapper-back"
      >
        ←
      </button>
      <input
        className="mapping-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        aria-label="Mapping name"
        data-testid="mapping-name"
      />
      <span className="route" title="Source → target">
        <span className="route-part" title={source?.schema.label ?? source?.entity}>
          {source?.schema.label ?? source?.entity}
        </span>
        <span aria-hidden="true">→</span>
        <span className="route-part" title={target?.schema.label ?? target?.entity}>
          {target?.schema.label ?? target?.entity}
        </span>
      </span>
      <input
        className="field-search"
        type="search"
        placeholder="Filter fields…"
        aria-label="Filter fields in both trees"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        data-testid="field-search"
      />
      <span className="grow" />
      <button type="button" className="button" onClick={() => runAutoMap()} data-testid="automap">
        Auto-map
      </button>
      <button
        type="button"
        className="button ghost"
        onClick={onLayout}
        title="Arrange function nodes (L)"
        data-testid="layout"
      >
        Layout
      </button>
      <button
        type="button"
        className="button ghost"
        onClick={() => void flow.fitView({ padding: 0.08, duration: 250 })}
        title="Fit view (F)"
        data-testid="fit-view"
      >
        Fit
      </button>
      <button
        type="button"
        className="button ghost"
        disabled={!canUndo}
        onClick={() => undo(store)}
        title="Undo (Ctrl+Z)"
        data-testid="undo"
      >
        Undo
      </button>
      <button
        type="button"
        className="button ghost"
        disabled={!canRedo}
        onClick={() => redo(store)}
        title="Redo (Shift+Ctrl+Z)"
        data-testid="redo"
      >
        Redo
      </button>
      <button
        type="button"
        className="button primary"
        disabled={saving}
        onClick={() => void save()}
        data-testid="save"
        data-dirty={dirty ? 'true' : 'false'}
        data-save-attempts={saveAttempts}
      >
        {saving ? 'Saving…' : dirty ? 'Save' : 'Saved'}
      </button>
    </div>
  );
}

const panelLabels: Record<PanelId, string> = {
  jsonata: 'JSONata',
  preview: 'Preview',
  issues: 'Issues',
  automap: 'Auto-map',
  inspect: 'Match key & values',
};

function SidePanel(props: { sampleSize: number; onSampleSize(size: number): void; onReload(): void }) {
  const panel = useMapper((state) => state.panel);
  const showPanel = useMapper((state) => state.showPanel);
  const issueCount = useMapper((state) => (state.report?.issues.length ?? 0) + state.compiled.problems.length);
  const hasErrors = useMapper(
    (state) =>
      state.compiled.problems.length > 0 || (state.report?.issues.some((issue) => issue.severity === 'error') ?? false),
  );
  const pending = useMapper((state) => state.suggestions.filter((row) => row.status === 'pending').length);
  const badge = (id: PanelId) =>
    id === 'issues' && issueCount > 0 ? issueCount : id === 'automap' && pending > 0 ? pending : undefined;
  return (
    <aside className="side-panel" aria-label="Mapping details">
      <div className="tabs" role="tablist">
        {(Object.keys(panelLabels) as PanelId[]).map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={panel === id}
            className={`tab${panel === id ? ' active' : ''}`}
            onClick={() => showPanel(id)}
            data-testid={`tab-${id}`}
          >
            {panelLabels[id]}
            {badge(id) !== undefined && (
              <span
                className={`tab-badge${id === 'issues' && hasErrors ? ' error' : ''}`}
                data-testid={`tab-${id}-count`}
              >
                {badge(id)}
              </span>
            )}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {panel === 'jsonata' && <JsonataPanel />}
        {panel === 'preview' && <PreviewPanel {...props} />}
        {panel === 'issues' && <IssuesPanel />}
        {panel === 'automap' && <SuggestionsPanel />}
        {panel === 'inspect' && <InspectPanel />}
      </div>
    </aside>
  );
}

function Notice() {
  const notice = useMapper((state) => state.notice);
  const [shown, setShown] = useState<number | undefined>();
  useEffect(() => {
    if (!notice) return;
    setShown(notice.nonce);
    const timer = setTimeout(() => setShown(undefined), 5000);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice || shown !== notice.nonce) return null;
  return (
    <div
      className={`mapper-notice ${notice.tone}`}
      role={notice.tone === 'error' ? 'alert' : 'status'}
      data-testid="mapper-notice"
    >
      {notice.message}
    </div>
  );
}
