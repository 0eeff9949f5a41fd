import { createStore } from 'zustand/vanilla';
import type { BundleCheck, BundleImportItem } from '../../../../shared/api/bundles.contract';
import type { ApiClient } from '../../../../shared/api/client';
import type { MethodOutput } from '../../../../shared/api/contract';
import { bundleFileSuffix, isBundleFileName } from '../../../../shared/bundle/bundle.schema';
import type { Connection } from '../../../../shared/domain/connection';
import type { Flow, FlowId, Mapping } from '../../../../shared/domain/flow';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';
import { summarizeBundle, type BundleSummary } from './bundle-summary';

export type BundlesTab = 'export' | 'import';

export interface ExportResult {
  fileName: string;
  content: string;
  summary: BundleSummary;
}

/** What an import did, per item, as the backend reports it: created here, updated, or kept (already identical). */
export interface ImportResult {
  connections: MethodOutput<'bundles.import'>['connections'];
  mappings: BundleImportItem[];
  flows: BundleImportItem[];
  warnings: string[];
}

export type ImportState =
  | { state: 'idle' }
  | { state: 'checking'; fileName: string }
  | { state: 'checked'; fileName: string; content: string; check: BundleCheck; summary?: BundleSummary }
  | { state: 'importing'; fileName: string; content: string; check: BundleCheck; summary?: BundleSummary }
  | { state: 'done'; fileName: string; check: BundleCheck; summary?: BundleSummary; result: ImportResult }
  | {
      state: 'error';
      fileName: string;
      error: ErrorInfo;
      check?: BundleCheck;
      summary?: BundleSummary;
      content?: string;
    };

export interface BundlesState {
  tab: BundlesTab;
  catalog: {
    state: 'idle' | 'loading' | 'ready' | 'error';
    flows: Flow[];
    mappings: Mapping[];
    connections: Connection[];
    error?: ErrorInfo;
  };
  /** Flows ticked for export; starts as every flow. */
  selected: FlowId[];
  name: string;
  description: string;
  /** Real records from the audit log are customer data: they go into a bundle only when ticked. */
  includeSamples: boolean;
  samplesPerMapping: number;
  exported: { state: 'idle' | 'working' | 'done' | 'error'; result?: ExportResult; error?: ErrorInfo };
  import: ImportState;
  connectionsMode: 'keep' | 'replace';
  setTab(tab: BundlesTab): void;
  loadCatalog(): Promise<void>;
  setSelected(ids: FlowId[]): void;
  toggleFlow(id: FlowId): void;
  setForm(
    patch: Partial<
      Pick<BundlesState, 'name' | 'description' | 'includeSamples' | 'samplesPerMapping' | 'connectionsMode'>
    >,
  ): void;
  exportBundle(): Promise<ExportResult | undefined>;
  checkFile(fileName: string, content: string): Promise<void>;
  importChecked(): Promise<void>;
  resetImport(): void;
}

/** Every flow a choice needs: the chosen ones and, transitively, what they run after (the backend adds them too). */
export function withDependencies(flows: Flow[], chosen: readonly string[]): Set<string> {
  const byId = new Map(flows.map((flow) => [flow.id as string, flow]));
  const result = new Set<string>();
  const add = (id: string) => {
    if (result.has(id)) return;
    result.add(id);
    byId.get(id)?.dependsOn.forEach(add);
  };
  chosen.forEach(add);
  return result;
}

export function createBundlesStore(api: ApiClient) {
  let checkRequest = 0;

  return createStore<BundlesState>()((set, get) => ({
    tab: 'export',
    catalog: { state: 'idle', flows: [], mappings: [], connections: [] },
    selected: [],
    name: '',
    description: '',
    includeSamples: false,
    samplesPerMapping: 3,
    exported: { state: 'idle' },
    import: { state: 'idle' },
    connectionsMode: 'keep',

    setTab(tab) {
      set({ tab });
    },

    async loadCatalog() {
      const first = get().catalog.state !== 'ready';
      if (first) set((state) => ({ catalog: { ...state.catalog, state: 'loading' } }));
      const [flows, mappings, connections] = await Promise.all([
        api.invoke('flows.list', {}),
        api.invoke('mappings.list', {}),
        api.invoke('connections.list', {}),
      ]);
      if (!flows.ok || !mappings.ok || !connections.ok) {
        const error = !flows.ok
          ? flows.error
          : !mappings.ok
            ? mappings.error
            : !connections.ok
              ? connections.error
              : undefined;
        set((state) => ({ catalog: { ...state.catalog, state: 'error', error } }));
        return;
      }
      const known = new Set(get().catalog.flows.map((flow) => flow.id as string));
      // New flows start ticked (the default is "everything"); choices the user made stay.
      const selected = first
        ? flows.value.map((flow) => flow.id)
        : [
            ...get().selected.filter((id) => flows.value.some((flow) => flow.id === id)),
            ...flows.value.filter((flow) => !known.has(flow.id)).map((flow) => flow.id),
          ];
      set({
        catalog: { state: 'ready', flows: flows.value, mappings: mappings.value, connections: connections.value },
        selected,
      });
    },

    setSelected(ids) {
      set({ selected: ids });
    },

    toggleFlow(id) {
      set((state) => ({
        selected: state.selected.includes(id) ? state.selected.filter((item) => item !== id) : [...state.selected, id],
      }));
    },

    setForm(patch) {
      set(patch);
    },

    async exportBundle() {
      const { catalog, selected, name, description, includeSamples, samplesPerMapping } = get();
      const all = catalog.flows.length > 0 && catalog.flows.every((flow) => selected.includes(flow.id));
      set({ exported: { state: 'working' } });
      try {
        const value = await api.call('bundles.export', {
          name: name.trim() || undefined,
          description: description.trim() || undefined,
          // Everything: leave the choice to the backend, so flows added meanwhile come along too.
          flowIds: all ? undefined : selected,
          samplesPerMapping: includeSamples ? samplesPerMapping : 0,
        });
        const summary = summarizeBundle(value.content);
        if (!summary) throw new Error('The exported bundle could not be read back.');
        const result = { fileName: value.fileName, content: value.content, summary };
        set({ exported: { state: 'done', result } });
        return result;
      } catch (error) {
        set({ exported: { state: 'error', error: toErrorInfo(error) } });
        return undefined;
      }
    },

    async checkFile(fileName, content) {
      const request = ++checkRequest;
      set({ tab: 'import', import: { state: 'checking', fileName } });
      const summary = summarizeBundle(content);
      if (!isBundleFileName(fileName) && !fileName.toLowerCase().endsWith('.json')) {
        set({
          import: {
            state: 'error',
            fileName,
            summary,
            error: {
              code: 'E_BUNDLE_INVALID',
              message: `“${fileName}” is not a bundle file. Pick a *${bundleFileSuffix} file exported by ml-connector Studio.`,
            },
          },
        });
        return;
      }
      const result = await api.invoke('bundles.validate', { content });
      // A file picked later wins over an older check still on its way.
      if (request !== checkRequest) return;
      if (result.ok) set({ import: { state: 'checked', fileName, content, check: result.value, summary } });
      else set({ import: { state: 'error', fileName, summary, content, error: result.error } });
    },

    async importChecked() {
      const current = get().import;
      if (current.state !== 'checked' || !current.check.ok) return;
      const { fileName, content, check, summary } = current;
      set({ import: { state: 'importing', fileName, content, check, summary } });
      try {
        const result = await api.call('bundles.import', { content, connections: get().connectionsMode });
        set({
          import: {
            state: 'done',
            fileName,
            check: result.check,
            summary,
            result: {
              connections: result.connections,
              mappings: result.items.mappings,
              flows: result.items.flows,
              warnings: result.check.warnings,
            },
          },
        });
        void get().loadCatalog();
      } catch (error) {
        set({ import: { state: 'error', fileName, check, summary, content, error: toErrorInfo(error) } });
      }
    },

    resetImport() {
      checkRequest += 1;
      set({ import: { state: 'idle' } });
    },
  }));
}

export type BundlesStore = ReturnType<typeof createBundlesStore>;
