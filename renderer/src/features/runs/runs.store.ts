import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../../../../shared/api/client';
import type { FlowId, RunId } from '../../../../shared/domain/flow';
import type { RecordAudit, RecordOutcome, Run } from '../../../../shared/domain/run';
import type { LaterAttempt } from '../../../../shared/api/sync.contract';

/** An audit row as the Runs screen lists it: a failed one says what became of the record since. */
export type AuditItem = RecordAudit & { later?: LaterAttempt };
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface AuditQuery {
  outcome?: RecordOutcome;
  /** Sent to the backend: matches the source key, target key or error text. */
  key: string;
  /** Refines the loaded page: payloads, errors, keys (the backend does not search payloads). */
  text: string;
  offset: number;
  limit: number;
}

export type ReplayScope = { kind: 'one'; auditId: number } | { kind: 'selected' } | { kind: 'all' };

export interface RunsState {
  load: 'idle' | 'loading' | 'ready' | 'error';
  runs: Run[];
  error?: ErrorInfo;
  flowFilter?: FlowId;
  selectedRunId?: RunId;
  /** A run opened by id that is not in the list (older than the list's limit). */
  openedRun?: Run;
  /** Runs the opened one refers to (the run a replay replayed) when they are not in the list. */
  related: Record<string, Run>;
  query: AuditQuery;
  audit: {
    state: 'idle' | 'loading' | 'ready' | 'error';
    total: number;
    items: AuditItem[];
    /** Failed records of the run still waiting for a replay (undefined until known). */
    waiting?: number;
    error?: ErrorInfo;
  };
  selectedAuditId?: number;
  /** Failed rows ticked for "Replay selected". */
  checked: number[];
  replay: { state: 'idle' | 'running' | 'done' | 'error'; run?: Run; error?: ErrorInfo };
  refresh(): Promise<void>;
  setFlowFilter(flowId?: FlowId): Promise<void>;
  openRun(runId: RunId): Promise<void>;
  closeRun(): void;
  setQuery(patch: Partial<AuditQuery>): Promise<void>;
  loadAudit(): Promise<void>;
  selectAudit(id?: number): void;
  toggleChecked(id: number): void;
  setChecked(ids: number[]): void;
  replayRecords(scope: ReplayScope, mapping: 'original' | 'current'): Promise<Run | undefined>;
  exportAudit(format: 'csv' | 'jsonl'): Promise<{ fileName: string; content: string; rows: number } | ErrorInfo>;
  /** The open run's export to a file (any size): progress from `audit.exportProgress`, then where it went. */
  exportFile: {
    state: 'idle' | 'running' | 'done' | 'error';
    fileName?: string;
    rows: number;
    total: number;
    path?: string;
    error?: ErrorInfo;
  };
  exportAuditFile(format: 'csv' | 'jsonl'): Promise<void>;
  follow(): () => void;
}

export const pageSize = 200;
const firstPage = (query: AuditQuery): AuditQuery => ({ ...query, offset: 0 });

/** Rows of the loaded page that mention `text` anywhere (keys, payloads, error). */
export function refinePage<T extends RecordAudit>(items: T[], text: string): T[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return items;
  return items.filter((row) =>
    [
      row.sourceKey,
      row.targetKey,
      row.errorCode,
      row.errorMessage,
      JSON.stringify(row.sourcePayload),
      JSON.stringify(row.transformedPayload),
    ].some((value) => value?.toLowerCase().includes(needle)),
  );
}

export function createRunsStore(api: ApiClient) {
  let auditRequest = 0;

  return createStore<RunsState>()((set, get) => ({
    load: 'idle',
    runs: [],
    related: {},
    query: { key: '', text: '', offset: 0, limit: pageSize },
    audit: { state: 'idle', total: 0, items: [] },
    checked: [],
    replay: { state: 'idle' },
    exportFile: { state: 'idle', rows: 0, total: 0 },

    async refresh() {
      if (get().load !== 'ready') set({ load: 'loading' });
      const result = await api.invoke('runs.list', { flowId: get().flowFilter, limit: 500 });
      if (result.ok) set({ load: 'ready', runs: result.value, error: undefined });
      else set({ load: 'error', error: result.error });
    },

    async setFlowFilter(flowId) {
      set({ flowFilter: flowId });
      await get().refresh();
    },

    async openRun(runId) {
      set({
        selectedRunId: runId,
        selectedAuditId: undefined,
        checked: [],
        replay: { state: 'idle' },
        exportFile: { state: 'idle', rows: 0, total: 0 },
        query: firstPage({ ...get().query, outcome: undefined, key: '', text: '' }),
      });
      let opened = get().runs.find((run) => run.id === runId);
      if (!opened) {
        const result = await api.invoke('runs.get', { id: runId });
        if (result.ok) set({ openedRun: (opened = result.value) });
      }
      const origin = opened?.replayOf;
      if (origin && !get().runs.some((run) => run.id === origin) && !get().related[origin]) {
        // Without it the header still names the run by id; no error to show.
        const result = await api.invoke('runs.get', { id: origin });
        if (result.ok) set((state) => ({ related: { ...state.related, [origin]: result.value } }));
      }
      await get().loadAudit();
    },

    closeRun() {
      set({
        selectedRunId: undefined,
        openedRun: undefined,
        selectedAuditId: undefined,
        checked: [],
        audit: { state: 'idle', total: 0, items: [] },
      });
    },

    async setQuery(patch) {
      const next = { ...get().query, ...patch };
      // A new filter starts at the first page; only paging keeps the offset.
      set({ query: 'offset' in patch ? next : firstPage(next) });
      if ('text' in patch && Object.keys(patch).length === 1) return;
      await get().loadAudit();
    },

    async loadAudit() {
      const runId = get().selectedRunId;
      if (!runId) return;
      const request = ++auditRequest;
      const { query } = get();
      set((state) => ({ audit: { ...state.audit, state: 'loading' } }));
      const result = await api.invoke('audit.list', {
        runId,
        outcome: query.outcome,
        text: query.key.trim() || undefined,
        offset: query.offset,
        limit: query.limit,
      });
      // An older answer must not overwrite a newer filter's.
      if (request !== auditRequest) return;
      if (result.ok)
        set({
          audit: {
            state: 'ready',
            total: result.value.total,
            items: result.value.items,
            waiting: result.value.waiting,
          },
        });
      else set((state) => ({ audit: { ...state.audit, state: 'error', error: result.error } }));
    },

    selectAudit(id) {
      set({ selectedAuditId: id });
    },

    toggleChecked(id) {
      set((state) => ({
        checked: state.checked.includes(id) ? state.checked.filter((item) => item !== id) : [...state.checked, id],
      }));
    },

    setChecked(ids) {
      set({ checked: ids });
    },

    async replayRecords(scope, mapping) {
      const runId = get().selectedRunId;
      if (!runId) return undefined;
      const auditIds = scope.kind === 'one' ? [scope.auditId] : scope.kind === 'selected' ? get().checked : undefined;
      set({ replay: { state: 'running' } });
      try {
        const run = await api.call('runs.replay', { runId, auditIds, mapping });
        set({ replay: { state: 'done', run }, checked: [] });
        await Promise.all([get().refresh(), get().loadAudit()]);
        return run;
      } catch (error) {
        set({ replay: { state: 'error', error: toErrorInfo(error) } });
        return undefined;
      }
    },

    async exportAudit(format) {
      const runId = get().selectedRunId;
      if (!runId) return { code: 'E_INVALID_INPUT', message: 'Open a run first.' };
      const result = await api.invoke('audit.export', { runId, format });
      return result.ok ? result.value : result.error;
    },

    async exportAuditFile(format) {
      const runId = get().selectedRunId;
      if (!runId) return;
      set({ exportFile: { state: 'running', rows: 0, total: 0 } });
      // Pages of this run's export move the bar; another window's export of another run does not.
      const off = api.on('audit.exportProgress', (progress) => {
        if (progress.runId !== runId || get().selectedRunId !== runId) return;
        set({
          exportFile: { state: 'running', fileName: progress.fileName, rows: progress.rows, total: progress.total },
        });
      });
      try {
        const result = await api.call('audit.exportFile', { runId, format });
        // Another run opened meanwhile shows its own state, not this export's.
        if (get().selectedRunId !== runId) return;
        set({
          exportFile: {
            state: 'done',
            fileName: result.fileName,
            rows: result.rows,
            total: result.rows,
            path: result.path,
          },
        });
      } catch (error) {
        if (get().selectedRunId !== runId) return;
        set({ exportFile: { state: 'error', rows: 0, total: 0, error: toErrorInfo(error) } });
      } finally {
        off();
      }
    },

    follow() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const off = api.on('runs.changed', (change) => {
        // Runs change in bursts (start, finish, replays): one refresh per burst.
        clearTimeout(timer);
        timer = setTimeout(() => {
          void get().refresh();
          if (change.runId === get().selectedRunId) void get().loadAudit();
        }, 150);
      });
      return () => {
        clearTimeout(timer);
        off();
      };
    },
  }));
}

export type RunsStore = ReturnType<typeof createRunsStore>;
