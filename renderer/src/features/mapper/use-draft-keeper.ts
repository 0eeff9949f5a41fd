import { useEffect, useRef, useState } from 'react';
import { draftKey, isNewerThanSaved, readDraft, removeDraft, writeDraft, type MappingDraft } from './mapper-draft';
import { withSchemas } from './model/graph-edits';
import { hasUnsavedChanges, type MapperStore } from './store/mapper.store';

/** Half a second after the last edit: drawing stays fluid, a crash loses almost nothing. */
const debounceMs = 500;

export interface DraftKeeper {
  /** A draft from an earlier session, newer than the saved version: the user decides first. */
  offer?: MappingDraft;
  restore(): void;
  /** Drops the offered draft and starts from the saved version. */
  decline(): void;
  /** Drops the draft of this session (the user chose to discard the changes). */
  discard(): void;
}

/**
 * Keeps the open mapping's unsaved work in localStorage while it differs from what was opened
 * or saved; clears it on save, on discard and when undo returns to the saved version.
 */
export function useDraftKeeper(store: MapperStore): DraftKeeper {
  const [offer, setOffer] = useState<MappingDraft | undefined>(() => {
    const state = store.getState();
    const key = draftKey(state);
    const draft = key ? readDraft(localStorage, key) : undefined;
    if (!key || !draft) return undefined;
    if (isNewerThanSaved(draft, state.savedVersion)) return draft;
    // Saved again after the draft was written (elsewhere, or a save the draft missed): stale.
    removeDraft(localStorage, key);
    return undefined;
  });
  // Until the user answers the offer, nothing is written: an edit must not overwrite it.
  const waiting = useRef(offer !== undefined);
  const discarded = useRef(false);
  const written = useRef(new Set<string>());

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const write = () => {
      clearTimeout(timer);
      timer = undefined;
      if (waiting.current || discarded.current) return;
      const state = store.getState();
      const key = draftKey(state);
      if (!key) return;
      if (!hasUnsavedChanges(state)) {
        // Saved (perhaps under a new key: a new mapping gets its id) or undone to the saved version.
        for (const old of [...written.current, key]) removeDraft(localStorage, old);
        written.current.clear();
        return;
      }
      if (writeDraft(localStorage, key, { base: state.savedVersion ?? null, name: state.name, graph: state.graph }))
        written.current.add(key);
      else
        state.notify(
          'error',
          'Your unsaved changes could not be kept as a draft (browser storage is full or off). Save to keep them.',
        );
    };
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.graph === previous.graph && state.name === previous.name && state.baseline === previous.baseline)
        return;
      if (!hasUnsavedChanges(state)) return write();
      clearTimeout(timer);
      timer = setTimeout(write, debounceMs);
    });
    // The page is going away (reload, close, crash of the tab excepted): write what the debounce still holds.
    const flush = () => {
      if (timer !== undefined) write();
    };
    window.addEventListener('pagehide', flush);
    window.addEventListener('beforeunload', flush);
    return () => {
      unsubscribe();
      window.removeEventListener('pagehide', flush);
      window.removeEventListener('beforeunload', flush);
      // Unmounted without a save or discard (an error boundary caught a crash): keep the work.
      flush();
    };
  }, [store]);

  return {
    offer,
    restore() {
      if (!offer) return;
      const state = store.getState();
      const graph =
        state.source && state.target ? withSchemas(offer.graph, state.source.schema, state.target.schema) : offer.graph;
      waiting.current = false;
      setOffer(undefined);
      state.restoreDraft(graph, offer.name);
    },
    decline() {
      const key = draftKey(store.getState());
      if (key) removeDraft(localStorage, key);
      waiting.current = false;
      setOffer(undefined);
    },
    discard() {
      discarded.current = true;
      const key = draftKey(store.getState());
      for (const old of [...written.current, ...(key ? [key] : [])]) removeDraft(localStorage, old);
      written.current.clear();
    },
  };
}
