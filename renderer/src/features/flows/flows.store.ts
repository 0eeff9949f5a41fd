import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../../../../shared/api/client';
import type { MethodInput, MethodOutput } from '../../../../shared/api/contract';
import type { FlowListItem } from '../../../../shared/api/sync.contract';
import type { Flow, FlowId, Mapping, Schedule } from '../../../../shared/domain/flow';
import type { Run, RunProgress } from '../../../../shared/domain/run';
import { toErrorInfo, type ErrorInfo } from '../../../../shared/errors';

export interface ActiveRun {
  dryRun: boolean;
  /** The latest `sync.progress` event; absent until the engine reports. */
  progress?: RunProgress;
  cancelling?: boolean;
}

export type RunOutcome = { run: Run } | { error: ErrorInfo };
export type SchedulePreview = MethodOutput<'schedules.preview'>;

export interface FlowsState {
  load: 'idle' | 'loading' | 'ready' | 'error';
  /** In creation order, each with what the backend's live scheduler holds for it. */
  flows: FlowListItem[];
  mappings: Mapping[];
  /** Newest run per flow, for the list. */
  latest: Record<string, Run>;
  error?: ErrorInfo;
  active: Record<string, ActiveRun>;
  /** How the last run started from this window ended (cleared when another starts). */
  outcomes: Record<string, RunOutcome>;
  actionError?: ErrorInfo;
  refresh(): Promise<void>;
  save(input: MethodInput<'flows.save'>): Promise<Flow | undefined>;
  remove(id: FlowId): Promise<boolean>;
  setPaused(id: FlowId, paused: boolean): Promise<void>;
  /** Runs (or dry-runs) a flow; resolves when the run ends, like `flows.run`. */
  run(id: FlowId, dryRun: boolean): Promise<RunOutcome>;
  cancel(id: FlowId): Promise<void>;
  preview(schedule: Schedule, count?: number): Promise<SchedulePreview | ErrorInfo>;
  follow(): () => void;
}

export function createFlowsStore(api: ApiClient) {
  const previews = new Map<string, Promise<SchedulePreview | ErrorInfo>>();
  // Events come in bursts (a tick, then the run's end): one re-read at a time, and one more if any came meanwhile.
  let reading: Promise<void> | undefined;
  let readAgain = false;

  return createStore<FlowsState>()((set, get) => ({
    load: 'idle',
    flows: [],
    mappings: [],
    latest: {},
    active: {},
    outcomes: {},

    async refresh() {
      if (reading) {
        readAgain = true;
        return reading;
      }
      if (get().load !== 'ready') set({ load: 'loading' });
      reading = (async () => {
        do {
          readAgain = false;
          const [flows, mappings] = await Promise.all([api.invoke('flows.list', {}), api.invoke('mappings.list', {})]);
          if (!flows.ok || !mappings.ok) {
            set({ load: 'error', error: !flows.ok ? flows.error : !mappings.ok ? mappings.error : undefined });
            return;
          }
          const latest: Record<string, Run> = {};
          for (const flow of flows.value) if (flow.lastRun) latest[flow.id] = flow.lastRun;
          set({ load: 'ready', flows: flows.value, mappings: mappings.value, latest, error: undefined });
        } while (readAgain);
      })().finally(() => (reading = undefined));
      return reading;
    },

    async save(input) {
      try {
        const flow = await api.call('flows.save', input);
        set({ actionError: undefined });
        // The list item carries the live schedule, which only the backend knows.
        await get().refresh();
        return flow;
      } catch (error) {
        set({ actionError: toErrorInfo(error) });
        return undefined;
      }
    },

    async remove(id) {
      const result = await api.invoke('flows.remove', { id });
      if (!result.ok) {
        set({ actionError: result.error });
        return false;
      }
      set((state) => ({ flows: state.flows.filter((flow) => flow.id !== id), actionError: undefined }));
      void get().refresh();
      return true;
    },

    async setPaused(id, paused) {
      const result = await api.invoke('flows.pause', { id, paused });
      if (!result.ok) set({ actionError: result.error });
      else {
        // Shown paused (or resumed) at once; the next run comes with the re-read.
        set((state) => ({
          actionError: undefined,
          flows: state.flows.map((flow) =>
            flow.id === id
              ? {
                  ...flow,
                  ...result.value,
                  scheduleState: {
                    ...flow.scheduleState,
                    paused,
                    active: paused ? false : flow.scheduleState.active,
                    nextRun: paused ? null : flow.scheduleState.nextRun,
                  },
                }
              : flow,
          ),
        }));
        await get().refresh();
      }
    },

    async run(id, dryRun) {
      set((state) => {
        const outcomes = { ...state.outcomes };
        delete outcomes[id];
        return { outcomes, active: { ...state.active, [id]: { dryRun } } };
      });
      const result = await api.invoke('flows.run', { id, dryRun });
      const outcome: RunOutcome = result.ok ? { run: result.value } : { error: result.error };
      set((state) => {
        const active = { ...state.active };
        delete active[id];
        return {
          active,
          outcomes: { ...state.outcomes, [id]: outcome },
          latest: result.ok ? { ...state.latest, [id]: result.value } : state.latest,
        };
      });
      return outcome;
    },

    async cancel(id) {
      set((state) =>
        state.active[id] ? { active: { ...state.active, [id]: { ...state.active[id], cancelling: true } } } : {},
      );
      const result = await api.invoke('flows.cancel', { id });
      if (!result.ok) set({ actionError: result.error });
    },

    preview(schedule, count = 5) {
      const key = JSON.stringify([schedule, count]);
      const cached = previews.get(key);
      if (cached) return cached;
      const pending = api
        .invoke('schedules.preview', { schedule, count })
        .then((result) => (result.ok ? result.value : result.error));
      previews.set(key, pending);
      // Next run times move on: keep a preview for a minute at most.
      setTimeout(() => previews.delete(key), 60_000);
      return pending;
    },

    follow() {
      const offProgress = api.on('sync.progress', (progress) => {
        // A late "done" after `flows.run` answered must not bring the bar back.
        if (progress.phase === 'done' && !get().active[progress.flowId]) return;
        set((state) => ({
          active: {
            ...state.active,
            [progress.flowId]: {
              dryRun: state.active[progress.flowId]?.dryRun ?? false,
              ...state.active[progress.flowId],
              progress,
            },
          },
        }));
      });
      const offFlows = api.on('flows.changed', () => void get().refresh());
      const offRuns = api.on('runs.changed', (change) => {
        // The list's last run and next run moved.
        void get().refresh();
        if (change.status === 'running') return;
        // A scheduled run (not started here) ended: drop its bar and show its result in the list.
        void api.invoke('runs.get', { id: change.runId }).then((result) => {
          if (!result.ok) return;
          set((state) => {
            const active = { ...state.active };
            if (active[change.flowId]?.progress?.runId === change.runId) delete active[change.flowId];
            return { active, latest: { ...state.latest, [change.flowId]: result.value } };
          });
        });
      });
      return () => {
        offProgress();
        offFlows();
        offRuns();
      };
    },
  }));
}

export type FlowsStore = ReturnType<typeof createFlowsStore>;
