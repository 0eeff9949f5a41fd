import { useEffect } from 'react';
import type { MapperStore } from './store/mapper.store';
import { redo, undo } from './store/mapper.store';

const editable = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * Undo / redo (Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z, Ctrl+Y), fit the trees (F), focus mode (Shift+F;
 * Esc leaves, also from a text field) and layout (L); text fields keep their own undo.
 */
export function useMapperShortcuts(store: MapperStore, onLayout: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && store.getState().focusMode && !document.querySelector('dialog[open]')) {
        // An open dialog answers its own Escape; otherwise Escape leaves focus mode first.
        store.getState().setFocusMode(false);
        return;
      }
      if (editable(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) redo(store);
        else undo(store);
      } else if (mod && key === 'y') {
        event.preventDefault();
        redo(store);
      } else if (!mod && !event.altKey && event.shiftKey && key === 'f') {
        event.preventDefault();
        store.getState().setFocusMode(!store.getState().focusMode);
      } else if (!mod && !event.altKey && key === 'f') {
        event.preventDefault();
        store.getState().requestFit();
      } else if (!mod && !event.altKey && key === 'l') {
        event.preventDefault();
        onLayout();
      } else if (key === 'escape') {
        store.getState().cancelPick();
        store.getState().selectField(undefined);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, onLayout]);
}
