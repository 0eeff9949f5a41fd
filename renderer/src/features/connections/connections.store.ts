import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../../../../shared/api/client';
import type { ConnectionTestResult } from '../../../../shared/api/connectors.contract';
import type { MethodInput } from '../../../../shared/api/contract';
import type { SandboxWorkspace } from '../../../../shared/api/sandbox.contract';
import { systemIds, type Connection, type ConnectionId } from '../../../../shared/domain/connection';
import { isAppError, type ErrorInfo } from '../../../../shared/errors';

export type TestState = { state: 'running' } | { state: 'done'; result: ConnectionTestResult; at: string } | { state: 'error'; error: ErrorInfo };

export type ImportState =
  | { state: 'idle' }
  | { state: 'importing'; fileName: string }
  | { state: 'error'; fileName: string; error: ErrorInfo }
  | { state: 'done'; fileName: string; connection: Connection };

export interface WorkspaceState {
  state: 'idle' | 'opening' | 'ready' | 'error';
  simulators: Array<{ system: Connection['system']; url: string }>;
  /** What the last open did, for the one-line confirmation. */
  summary?: { created: number; reused: number; started: boolean };
  error?: ErrorInfo;
}

export interface ConnectionsState {
  load: 'idle' | 'loading' | 'ready' | 'error';
  items: Connection[];
  error?: ErrorInfo;
  tests: Record<string, TestState>;
  workspace: WorkspaceState;
  import: ImportState;
  /** The last failed create/update/remove, shown next to the form or list. */
  actionError?: ErrorInfo;
  refresh(): Promise<void>;
  test(id: ConnectionId): Promise<void>;
  testAll(): Promise<void>;
  remove(id: ConnectionId): Promise<boolean>;
  openWorkspace(): Promise<void>;
  loadSandboxStatus(): Promise<void>;
  importIonapi(fileName: string, content: string): Promise<Connection | undefined>;
  setProductLine(id: ConnectionId, productLine: 'm3' | 'csi' | 'ln' | 'fsm'): Promise<void>;
  create(input: MethodInput<'connections.create'>): Promise<Connection | undefined>;
  update(input: MethodInput<'connections.update'>): Promise<Connection | undefined>;
  dismissImport(): void;
  /** Follows `connections.changed`; returns the unsubscribe function. */
  follow(): () => void;
}

export const errorOf = (error: unknown): ErrorInfo =>
  isAppError(error) ? error.toInfo() : { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) };

/** Infor first, then the targets in the order the product lists them. */
export const bySystem = (left: Connection, right: Connection) =>
  systemIds.indexOf(left.system) - systemIds.indexOf(right.system) || left.name.localeCompare(right.name);

const withSimulators = (workspace: SandboxWorkspace) => workspace.systems.map(({ system, url }) => ({ system, url })).sort((a, b) => systemIds.indexOf(a.system) - systemIds.indexOf(b.system));

export function createConnectionsStore(api: ApiClient) {
  return createStore<ConnectionsState>()((set, get) => ({
    load: 'idle',
    items: [],
    tests: {},
    workspace: { state: 'idle', simulators: [] },
    import: { state: 'idle' },

    async refresh() {
      if (get().load !== 'ready') set({ load: 'loading' });
      const result = await api.invoke('connections.list', {});
      if (result.ok) set({ load: 'ready', items: [...result.value].sort(bySystem), error: undefined });
      else set({ load: 'error', error: result.error });
    },

    async test(id) {
      set((state) => ({ tests: { ...state.tests, [id]: { state: 'running' } } }));
      const result = await api.invoke('connections.test', { id });
      const next: TestState = result.ok ? { state: 'done', result: result.value, at: new Date().toISOString() } : { state: 'error', error: result.error };
      set((state) => ({ tests: { ...state.tests, [id]: next } }));
    },

    async testAll() {
      await Promise.all(get().items.map((connection) => get().test(connection.id)));
    },

    async remove(id) {
      const result = await api.invoke('connections.remove', { id });
      if (!result.ok) {
        set({ actionError: result.error });
        return false;
      }
      set((state) => {
        const tests = { ...state.tests };
        delete tests[id];
        return { items: state.items.filter((item) => item.id !== id), tests, actionError: undefined };
      });
      return true;
    },

    async openWorkspace() {
      set((state) => ({ workspace: { ...state.workspace, state: 'opening', error: undefined } }));
      const result = await api.invoke('sandbox.openWorkspace', {});
      if (!result.ok) {
        set((state) => ({ workspace: { ...state.workspace, state: 'error', error: result.error } }));
        return;
      }
      const created = result.value.systems.filter((system) => system.created).length;
      set({
        workspace: {
          state: 'ready',
          simulators: withSimulators(result.value),
          summary: { created, reused: result.value.systems.length - created, started: result.value.started },
        },
      });
      await get().refresh();
    },

    async loadSandboxStatus() {
      const result = await api.invoke('sandbox.status', {});
      if (result.ok && result.value.running) {
        const simulators = [...result.value.simulators].sort((a, b) => systemIds.indexOf(a.system) - systemIds.indexOf(b.system));
        set((state) => ({ workspace: { ...state.workspace, state: state.workspace.state === 'opening' ? 'opening' : 'ready', simulators } }));
      }
    },

    async importIonapi(fileName, content) {
      set({ import: { state: 'importing', fileName } });
      const result = await api.invoke('connections.importIonapi', { fileName, content });
      if (!result.ok) {
        set({ import: { state: 'error', fileName, error: result.error } });
        return undefined;
      }
      set({ import: { state: 'done', fileName, connection: result.value } });
      await get().refresh();
      return result.value;
    },

    async setProductLine(id, productLine) {
      await get().update({ id, settings: { productLine, productLineDetected: false, productLineChosen: true } });
    },

    async create(input) {
      try {
        const connection = await api.call('connections.create', input);
        set({ actionError: undefined });
        await get().refresh();
        return connection;
      } catch (error) {
        set({ actionError: errorOf(error) });
        return undefined;
      }
    },

    async update(input) {
      try {
        const connection = await api.call('connections.update', input);
        set((state) => {
          // Settings changed: an old test result no longer says anything.
          const tests = { ...state.tests };
          delete tests[connection.id];
          return { actionError: undefined, tests, items: state.items.map((item) => (item.id === connection.id ? connection : item)) };
        });
        return connection;
      } catch (error) {
        set({ actionError: errorOf(error) });
        return undefined;
      }
    },

    dismissImport() {
      set({ import: { state: 'idle' } });
    },

    follow() {
      return api.on('connections.changed', () => void get().refresh());
    },
  }));
}

export type ConnectionsStore = ReturnType<typeof createConnectionsStore>;
