import { parseMapping } from '../../../../../shared/mapping';
import { AppError, errorMessage } from '../../../../../shared/errors';
import { compileForView } from '../model/compile-view';
import { placeNewNodes, viewMetrics } from '../model/layout';
import type { SliceCreator, TextSlice } from './store-types';

export const createTextSlice: SliceCreator<TextSlice> = (set, get) => ({
  draft: undefined,
  textError: undefined,
  editText(text) {
    set({ draft: { text, basis: get().graph }, textError: undefined });
  },
  applyText() {
    const { draft, graph } = get();
    if (!draft || draft.basis !== graph) return false;
    try {
      // Nodes the text added are placed by the layout between the trees (issue 19), not stacked.
      const parsed = placeNewNodes(graph, parseMapping(draft.text, { previous: graph }), viewMetrics(get()));
      // Same JSONata as now (a comment or spacing changed): nothing to undo.
      if (compileForView(parsed).expression === get().compiled.expression) {
        set({ draft: { text: draft.text, basis: graph }, textError: undefined });
        return true;
      }
      set({ graph: parsed, draft: { text: draft.text, basis: parsed }, textError: undefined });
      return true;
    } catch (error) {
      const position =
        error instanceof AppError ? (error.details as { position?: number } | undefined)?.position : undefined;
      set({ textError: { message: errorMessage(error), position } });
      return false;
    }
  },
});
