import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Group, Panel, Separator, useDefaultLayout, usePanelRef } from 'react-resizable-panels';
import { api } from '../../api/client';
import { useAppStore, type LeaveGuard } from '../../app/app.store';
import { MapperCanvas } from './canvas/MapperCanvas';
import { Palette } from './canvas/Palette';
import { loadSamples, saveMapping } from './mapper-session';
import { viewMetrics } from './model/layout';
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
import { readUiPrefs, updateUiPrefs } from './ui-prefs';

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
  const layout = useCallback(() => {
    const state = store.getState();
    state.autoLayout(viewMetrics(state));
    // Fit the trees (with the readable zoom floor) once the laid-out positions render.
    state.requestFit();
  }, [store]);
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

  const sides = useCollapsibleSides(store);

  return (
    <div
      className={`mapper-editor${sides.focusMode ? ' focus-mode' : ''}`}
      data-testid="mapper-editor"
      data-focus-mode={sides.focusMode ? 'true' : 'false'}
    >
      <Toolbar store={store} onClose={back} onLayout={layout} sides={sides} />
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
          collapsible
          collapsedSize="0px"
          panelRef={sides.paletteRef}
          onResize={(size) => sides.onResize('palette', size.inPixels === 0)}
          groupResizeBehavior="preserve-pixel-size"
        >
          {!sides.paletteCollapsed && <Palette />}
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
          collapsible
          collapsedSize="0px"
          panelRef={sides.sideRef}
          onResize={(size) => sides.onResize('side', size.inPixels === 0)}
          groupResizeBehavior="preserve-pixel-size"
        >
          {!sides.sideCollapsed && (
            <SidePanel
              sampleSize={sampleSize}
              onSampleSize={setSampleSize}
              onReload={() => void loadSamples(api, store, sampleSize)}
            />
          )}
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

export interface CollapsibleSides {
  paletteRef: ReturnType<typeof usePanelRef>;
  sideRef: ReturnType<typeof usePanelRef>;
  paletteCollapsed: boolean;
  sideCollapsed: boolean;
  focusMode: boolean;
  onResize(which: 'palette' | 'side', collapsed: boolean): void;
  toggle(which: 'palette' | 'side'): void;
  toggleFocusMode(): void;
}

/**
 * Palette and side panel collapse (toolbar buttons, or dragging a splitter past the panel's
 * minimum), remembered in the UI preferences; focus mode collapses both and gives the editor
 * the whole window, and leaving it (Esc) brings back what was open before.
 */
function useCollapsibleSides(store: MapperStore): CollapsibleSides {
  const paletteRef = usePanelRef();
  const sideRef = usePanelRef();
  const [initial] = useState(() => readUiPrefs(localStorage, window.innerWidth));
  const [paletteCollapsed, setPaletteCollapsed] = useState(initial.paletteCollapsed);
  const [sideCollapsed, setSideCollapsed] = useState(initial.sideCollapsed);
  const focusMode = useMapper((state) => state.focusMode);
  const beforeFocus = useRef<{ palette: boolean; side: boolean } | undefined>(undefined);
  const refs = { palette: paletteRef, side: sideRef };

  // Only the analyst's own folding is remembered: the first resize reports the remembered
  // widths before the stored collapse applies, and focus mode folds both without asking.
  const ready = useRef(false);
  const known = useRef({ palette: initial.paletteCollapsed, side: initial.sideCollapsed });
  useEffect(() => {
    // The stored choice wins over a remembered width (a collapsed panel is only remembered here).
    if (initial.paletteCollapsed) paletteRef.current?.collapse();
    if (initial.sideCollapsed) sideRef.current?.collapse();
    const frame = requestAnimationFrame(() => (ready.current = true));
    return () => cancelAnimationFrame(frame);
  }, [initial, paletteRef, sideRef]);

  const onResize = useCallback(
    (which: 'palette' | 'side', collapsed: boolean) => {
      const wanted = which === 'palette' ? initial.paletteCollapsed : initial.sideCollapsed;
      if (!ready.current && wanted && !collapsed) {
        // A remembered width came first (before the panel could collapse): fold it now.
        (which === 'palette' ? paletteRef : sideRef).current?.collapse();
        return;
      }
      (which === 'palette' ? setPaletteCollapsed : setSideCollapsed)(collapsed);
      if (known.current[which] === collapsed) return;
      known.current[which] = collapsed;
      if (ready.current && !store.getState().focusMode)
        updateUiPrefs(localStorage, window.innerWidth, {
          [which === 'palette' ? 'paletteCollapsed' : 'sideCollapsed']: collapsed,
        });
    },
    [store, initial, paletteRef, sideRef],
  );
  const toggle = (which: 'palette' | 'side') => {
    const panel = refs[which].current;
    if (!panel) return;
    if (panel.isCollapsed()) panel.expand();
    else panel.collapse();
  };

  useEffect(() => {
    if (focusMode) {
      beforeFocus.current = {
        palette: paletteRef.current?.isCollapsed() ?? false,
        side: sideRef.current?.isCollapsed() ?? false,
      };
      paletteRef.current?.collapse();
      sideRef.current?.collapse();
    } else if (beforeFocus.current) {
      const before = beforeFocus.current;
      beforeFocus.current = undefined;
      if (!before.palette) paletteRef.current?.expand();
      if (!before.side) sideRef.current?.expand();
    } else return;
    store.getState().requestFit();
  }, [focusMode, paletteRef, sideRef, store]);

  return {
    paletteRef,
    sideRef,
    paletteCollapsed,
    sideCollapsed,
    focusMode,
    onResize,
    toggle,
    toggleFocusMode: () => store.getState().setFocusMode(!store.getState().focusMode),
  };
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

function Toolbar({
  store,
  onClose,
  onLayout,
  sides,
}: {
  store: MapperStore;
  onClose(): void;
  onLayout(): void;
  sides: CollapsibleSides;
}) {
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
      <button
        type="button"
        className="button ghost icon"
        onClick={() => sides.toggle('palette')}
        aria-pressed={!sides.paletteCollapsed}
        aria-label={sides.paletteCollapsed ? 'Show the palette' : 'Hide the palette'}
        title={sides.paletteCollapsed ? 'Show the palette of functions' : 'Hide the palette'}
        data-testid="toggle-palette"
      >
        ⊞
      </button>
      <input
        className="mapping-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
        aria-label="Mapping name"
        title={name}
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
        onClick={() => store.getState().requestFit()}
        title="Fit the trees (F)"
        data-testid="fit-view"
      >
        Fit
      </button>
      <button
        type="button"
        className="button ghost"
        onClick={sides.toggleFocusMode}
        aria-pressed={sides.focusMode}
        title={
          sides.focusMode ? 'Leave focus mode (Esc)' : 'Focus mode: the canvas takes the window (Shift+F, Esc leaves)'
        }
        data-testid="focus-mode"
      >
        {sides.focusMode ? 'Exit focus' : 'Focus'}
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
      <button
        type="button"
        className="button ghost icon"
        onClick={() => sides.toggle('side')}
        aria-pressed={!sides.sideCollapsed}
        aria-label={sides.sideCollapsed ? 'Show the side panel' : 'Hide the side panel'}
        title={sides.sideCollapsed ? 'Show JSONata, preview and issues' : 'Hide the side panel'}
        data-testid="toggle-side"
      >
        ◨
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
