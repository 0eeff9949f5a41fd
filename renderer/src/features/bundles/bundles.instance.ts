import { useStore } from 'zustand';
import { api } from '../../api/client';
import { createBundlesStore, type BundlesState } from './bundles.store';

/** The window's one bundles store, bound to the real client. Tests build their own with `createBundlesStore`. */
export const bundlesStore = createBundlesStore(api);

export function useBundles<T>(selector: (state: BundlesState) => T): T {
  return useStore(bundlesStore, selector);
}
