import { useStore } from 'zustand';
import { api } from '../../api/client';
import { createFlowsStore, type FlowsState } from './flows.store';

export const flowsStore = createFlowsStore(api);

export function useFlows<T>(selector: (state: FlowsState) => T): T {
  return useStore(flowsStore, selector);
}
