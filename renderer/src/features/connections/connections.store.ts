import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../../../../shared/api/client';
import {
  ionapiMaxBytes,
  ionapiTooLargeMessage,
  type ConnectionTestResult,
} from '../../../../shared/api/connectors.contract';
import type { SignInStatus } from '../../../../shared/api/connections.contract';
import type { MethodInput } from '../../../../shared/api/contract';
import type { Result } from '../../../../shared/api/result';
import type { SandboxWorkspace } from '../../../../shared/api/sandbox.contract';
import type { TenantCheckReport } from '../../../../shared/connectors/infor-check';
import { systemIds, type Connection, type ConnectionId } from '../../../../shared/domain/connection';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

/** A browser sign-in as the card shows it. */
export type SignInState =
  | { state: 'starting' }
  | { state: 'waiting'; signInId: string }
  | { state: 'signedIn'; at: string }
  | { state: 'failed'; error: ErrorInfo }
  | { state: 'cancelled' };

export type TestState =
  | { state: 'running'; requestId: string; cancelling?: boolean }
  | { state: 'done'; result: ConnectionTestResult; at: string }
  | { state: 'error'; error: ErrorInfo };

/** A connection an imported file matches (same tenant, client id and token endpoint). */
export interface ImportMatch {
  id: ConnectionId;
  name: string;
}

export type ImportState =
  | { state: 'idle' }
  | { state: 'importing'; fileName: string }
  | { state: 'error'; fileName: string; error: ErrorInfo }
  /** The file is already imported: the person chooses to update that connection or create another. */
  | { state: 'duplicate'; fileName: string; content: string; matches: ImportMatch[] }
  | { state: 'done'; fileName: string; connection: Connection; updated: boolean };

/** What the importer needs of a dropped or picked file (a DOM `File` has it). */
export interface ImportFile {
  name: string;
  size: number;
  text(): Promise<string>;
}

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
  signIns: Record<string, SignInState>;
  workspace: WorkspaceState;
  import: ImportState;
  /** The last failed create/update/remove, shown next to the form or list. */
  actionError?: ErrorInfo;
  refresh(): Promise<void>;
  test(id: ConnectionId): Promise<void>;
  /** Stops a running test; it ends as failed with E_NET_CANCELLED. */
  cancelTest(id: ConnectionId): Promise<void>;
  testAll(): Promise<void>;
  /**
   * Starts a browser sign-in and hands its URL to `open` (the system browser: `window.open`,
   * which the desktop shell sends to `shell.openExternal`); the outcome arrives as an event.
   */
  signIn(id: ConnectionId, open: (url: string) => void): Promise<void>;
  cancelSignIn(id: ConnectionId): Promise<void>;
  remove(id: ConnectionId): Promise<boolean>;
  openWorkspace(): Promise<void>;
  loadSandboxStatus(): Promise<void>;
  /** Checks the size before reading, then imports (asking first when the file is already imported). */
  importFile(file: ImportFile): Promise<Connection | undefined>;
  importIonapi(fileName: string, content: string): Promise<Connection | undefined>;
  /** Answers the "already imported" question: update that connection, or create a new one. */
  resolveDuplicate(choice: { updateId: ConnectionId } | 'create'): Promise<Connection | undefined>;
  setProductLine(id: ConnectionId, productLine: 'm3' | 'csi' | 'ln' | 'fsm'): Promise<void>;
  /** CSI: the configurations (sites) the server lists, for the picker; an error when the server cannot say. */
  csiConfigurations(id: ConnectionId): Promise<{ configurations: string[] } | { error: ErrorInfo }>;
  /** Infor: runs the tenant check (its chosen settings are applied by the backend) and returns the report. */
  checkTenant(id: ConnectionId): Promise<{ report: TenantCheckReport } | { error: ErrorInfo }>;
  /** Infor: the last stored tenant check, or null. */
  tenantCheck(id: ConnectionId): Promise<{ report: TenantCheckReport | null } | { error: ErrorInfo }>;
  /** Infor choices made on the card (CSI configuration and site, LN company, confirmed gateway); an empty text clears one. */
  setInforChoice(
    id: ConnectionId,
    choice: Partial<Record<'mongooseConfig' | 'csiSite' | 'lnCompany' | 'iu', string>> & { gatewayProposed?: boolean },
  ): Promise<void>;
  create(input: MethodInput<'connections.create'>): Promise<Connection | undefined>;
  update(input: MethodInput<'connections.update'>): Promise<Connection | undefined>;
  dismissImport(): void;
  /** Follows `connections.changed`; returns the unsubscribe function. */
  follow(): () => void;
}

/** Infor first, then the targets in the order the product lists them. */
export const bySystem = (left: Connection, right: Connection) =>
  systemIds.indexOf(left.system) - systemIds.indexOf(right.system) || left.name.localeCompare(right.name);

let testSequence = 0;
/** Unique per window and test; the backend only needs it to find the test to cancel. */
const newRequestId = () =>
  `test-${Date.now().toString(36)}-${(testSequence += 1)}-${Math.random().toString(36).slice(2, 8)}`;

const matchesOf = (error: ErrorInfo): ImportMatch[] => {
  const matches = (error.details as { matches?: unknown } | undefined)?.matches;
  return Array.isArray(matches) ? (matches as ImportMatch[]) : [];
};

const withSimulators = (workspace: SandboxWorkspace) =>
  workspace.systems
    .map(({ system, url }) => ({ system, url }))
    .sort((a, b) => systemIds.indexOf(a.system) - systemIds.indexOf(b.system));

export function createConnectionsStore(api: ApiClient) {
  return createStore<ConnectionsState>()((set, get) => {
    /**
     * Shows what the import did, then tests the connection at once: the test
     * signs in, detects the product line when none was chosen, and can be cancelled.
     */
    const finishImport = async (fileName: string, result: Result<Connection>, updated: boolean) => {
      if (!result.ok) {
        set({ import: { state: 'error', fileName, error: result.error } });
        return undefined;
      }
      set({ import: { state: 'done', fileName, connection: result.value, updated } });
      await get().refresh();
      void get().test(result.value.id);
      return result.value;
    };
    return {
      load: 'idle',
      items: [],
      tests: {},
      signIns: {},
      workspace: { state: 'idle', simulators: [] },
      import: { state: 'idle' },

      async refresh() {
        if (get().load !== 'ready') set({ load: 'loading' });
        const result = await api.invoke('connections.list', {});
        if (result.ok) set({ load: 'ready', items: [...result.value].sort(bySystem), error: undefined });
        else set({ load: 'error', error: result.error });
      },

      async test(id) {
        const requestId = newRequestId();
        set((state) => ({ tests: { ...state.tests, [id]: { state: 'running', requestId } } }));
        const result = await api.invoke('connections.test', { id, requestId });
        const next: TestState = result.ok
          ? { state: 'done', result: result.value, at: new Date().toISOString() }
          : { state: 'error', error: result.error };
        set((state) => {
          // A newer test of the same connection (started after a cancel) owns the slot now.
          const current = state.tests[id];
          if (current?.state === 'running' && current.requestId !== requestId) return {};
          return { tests: { ...state.tests, [id]: next } };
        });
      },

      async cancelTest(id) {
        const running = get().tests[id];
        if (running?.state !== 'running') return;
        set((state) => ({ tests: { ...state.tests, [id]: { ...running, cancelling: true } } }));
        await api.invoke('connections.cancelTest', { requestId: running.requestId });
      },

      async signIn(id, open) {
        const put = (next: SignInState) => set((state) => ({ signIns: { ...state.signIns, [id]: next } }));
        put({ state: 'starting' });
        const result = await api.invoke('connections.signIn', { id });
        if (!result.ok) return put({ state: 'failed', error: result.error });
        // The event may have come first (a very quick browser): keep what it said.
        const current = get().signIns[id];
        if (current?.state === 'starting') put({ state: 'waiting', signInId: result.value.signInId });
        open(result.value.authorizeUrl);
      },

      async cancelSignIn(id) {
        const current = get().signIns[id];
        if (current?.state !== 'waiting') return;
        await api.invoke('connections.cancelSignIn', { signInId: current.signInId });
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
          const simulators = [...result.value.simulators].sort(
            (a, b) => systemIds.indexOf(a.system) - systemIds.indexOf(b.system),
          );
          set((state) => ({
            workspace: {
              ...state.workspace,
              state: state.workspace.state === 'opening' ? 'opening' : 'ready',
              simulators,
            },
          }));
        }
      },

      async importFile(file) {
        if (file.size > ionapiMaxBytes) {
          // The same limit and words as the backend and `mlc infor ping`, without reading a wrong, huge file.
          const error: ErrorInfo = { code: 'E_IONAPI_TOO_LARGE', message: ionapiTooLargeMessage(file.name, file.size) };
          set({ import: { state: 'error', fileName: file.name, error } });
          return undefined;
        }
        return get().importIonapi(file.name, await file.text());
      },

      async importIonapi(fileName, content) {
        set({ import: { state: 'importing', fileName } });
        const result = await api.invoke('connections.importIonapi', { fileName, content, existing: 'ask' });
        if (!result.ok && result.error.code === 'E_CONNECTION_EXISTS' && matchesOf(result.error).length > 0) {
          set({ import: { state: 'duplicate', fileName, content, matches: matchesOf(result.error) } });
          return undefined;
        }
        return finishImport(fileName, result, false);
      },

      async resolveDuplicate(choice) {
        const pending = get().import;
        if (pending.state !== 'duplicate') return undefined;
        const { fileName, content } = pending;
        set({ import: { state: 'importing', fileName } });
        const input =
          choice === 'create'
            ? { fileName, content, existing: 'create' as const }
            : { fileName, content, updateId: choice.updateId };
        return finishImport(fileName, await api.invoke('connections.importIonapi', input), choice !== 'create');
      },

      async setProductLine(id, productLine) {
        await get().update({ id, settings: { productLine, productLineDetected: false, productLineChosen: true } });
      },

      async csiConfigurations(id) {
        const result = await api.invoke('connections.csiConfigurations', { id });
        return result.ok ? result.value : { error: result.error };
      },

      async checkTenant(id) {
        const result = await api.invoke('connections.checkTenant', { id });
        if (!result.ok) return { error: result.error };
        // The check may have applied settings: show them.
        await get().refresh();
        return { report: result.value };
      },

      async tenantCheck(id) {
        const result = await api.invoke('connections.tenantCheck', { id });
        return result.ok ? result.value : { error: result.error };
      },

      async setInforChoice(id, choice) {
        await get().update({ id, settings: choice });
      },

      async create(input) {
        try {
          const connection = await api.call('connections.create', input);
          set({ actionError: undefined });
          await get().refresh();
          return connection;
        } catch (error) {
          set({ actionError: toErrorInfo(error) });
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
            return {
              actionError: undefined,
              tests,
              items: state.items.map((item) => (item.id === connection.id ? connection : item)),
            };
          });
          return connection;
        } catch (error) {
          set({ actionError: toErrorInfo(error) });
          return undefined;
        }
      },

      dismissImport() {
        set({ import: { state: 'idle' } });
      },

      follow() {
        const stopChanged = api.on('connections.changed', () => void get().refresh());
        const stopSignIn = api.on('connections.signIn', (payload) => {
          const status = payload as SignInStatus;
          if (status.status === 'waiting') return;
          const current = get().signIns[status.connectionId];
          // Only the sign-in this window started (or is starting) moves the card.
          if (current?.state !== 'starting' && !(current?.state === 'waiting' && current.signInId === status.signInId))
            return;
          const next: SignInState =
            status.status === 'signedIn'
              ? { state: 'signedIn', at: new Date().toISOString() }
              : status.status === 'cancelled'
                ? { state: 'cancelled' }
                : {
                    state: 'failed',
                    error: status.error ?? { code: 'E_SIGNIN_TIMEOUT', message: 'The sign-in did not finish.' },
                  };
          set((state) => ({ signIns: { ...state.signIns, [status.connectionId]: next } }));
        });
        return () => {
          stopChanged();
          stopSignIn();
        };
      },
    };
  });
}

export type ConnectionsStore = ReturnType<typeof createConnectionsStore>;
