import { useStore } from 'zustand';
import type { RunId } from '../../../../shared/domain/flow';
import { api } from '../../api/client';
import { useAppStore } from '../../app/app.store';
import { createRunsStore, type RunsState } from './runs.store';

export const runsStore = createRunsStore(api);

export function useRuns<T>(selector: (state: RunsState) => T): T {
  return useStore(runsStore, selector);
}

/** Jump to the Runs screen with one run open (from a flow's "Open run"). */
export function showRun(runId: RunId): void {
  void runsStore.getState().openRun(runId);
  useAppStore.getState().go('runs');
}
