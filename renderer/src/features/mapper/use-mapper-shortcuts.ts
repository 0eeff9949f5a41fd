import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import type { MapperStore } from './store/mapper.store';
import { redo, undo } from './store/mapper.store';

const editable = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** Undo / redo (Ctrl/Cmd+Z, Shift+Ctrl/Cmd+Z, Ctrl+Y) and fit view (F); text fields keep their own undo. */
export function useMapperShortcuts(store: MapperStore, onLayout: () => void): void {
  const flow = useReactFlow();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
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
      } else if (!mod && !event.altKey && key === 'f') {
        event.preventDefault();
        void flow.fitView({ padding: 0.08, duration: 250 });
      } else if (!mod && !event.altKey && key === 'l') {
        event.preventDefault();
        onLayout();
      } else if (key === 'escape') {
        store.getState().selectField(undefined);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, flow, onLayout]);
}
