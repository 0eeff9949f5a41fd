import { flattenSchemaFields, suggestMappings } from '../../../../../shared/mapping';
import type { MappingGraph } from '../../../../../shared/mapping';
import { mapField, setMatchKey, targetNode } from '../model/graph-edits';
import type { LookupHint, SliceCreator, SuggestionRow, SuggestionSlice } from './store-types';

/**
 * An accepted match-key suggestion (the source key into the target's external-id field) also makes
 * that field the mapping's match key, unless the analyst already picked one: it is what the upsert
 * finds records by (Salesforce `Infor_Customer_Number__c`), not the target's own read-only id.
 */
function adoptMatchKey(graph: MappingGraph, row: SuggestionRow): MappingGraph {
  return row.reason === 'matchKey' && !graph.matchKey?.length ? setMatchKey(graph, [row.target]) : graph;
}

export const createSuggestionSlice: SliceCreator<SuggestionSlice> = (set, get) => ({
  suggestions: [],
  lookupHints: [],
  runAutoMap() {
    const { source, target, graph } = get();
    if (!source || !target) return 0;
    const node = targetNode(graph);
    const mapped = new Set(graph.edges.filter((edge) => edge.target === node?.id).map((edge) => edge.targetHandle));
    const all = suggestMappings(source.schema, target.schema, { lookups: true }).filter(
      (suggestion) => !mapped.has(suggestion.target),
    );
    const isLookup = (suggestion: (typeof all)[number]) => suggestion.candidates[0]?.needs === 'lookup';
    const referenceTo = new Map(
      flattenSchemaFields(target.schema.fields).map((entry) => [entry.handle, entry.field.referenceTo]),
    );
    const lookupHints: LookupHint[] = all.filter(isLookup).flatMap((suggestion) => {
      // Zoho writes a lookup as `{ id }`: one hint for the field, not one more for its `id`.
      const parent = suggestion.target.replace(/\.id$/, '');
      if (parent !== suggestion.target && all.some((other) => other.target === parent && isLookup(other))) return [];
      return [
        {
          target: suggestion.target,
          source: suggestion.candidates[0]!.source,
          entity: referenceTo.get(suggestion.target) ?? referenceTo.get(parent),
        },
      ];
    });
    const suggestions: SuggestionRow[] = all
      .filter((suggestion) => !isLookup(suggestion))
      .flatMap((suggestion) => {
        const best = suggestion.candidates[0];
        return best
          ? [
              {
                target: suggestion.target,
                source: best.source,
                confidence: best.confidence,
                reason: best.reason,
                needs: best.needs,
                candidates: suggestion.candidates,
                status: 'pending' as const,
              },
            ]
          : [];
      });
    set({ suggestions, lookupHints, panel: 'automap' });
    return suggestions.length;
  },
  chooseCandidate(target, source) {
    set((state) => ({
      suggestions: state.suggestions.map((row) => {
        const candidate = row.candidates.find((entry) => entry.source === source);
        return row.target === target && candidate
          ? { ...row, source, confidence: candidate.confidence, reason: candidate.reason, needs: candidate.needs }
          : row;
      }),
    }));
  },
  acceptSuggestion(target) {
    const row = get().suggestions.find((entry) => entry.target === target && entry.status === 'pending');
    if (!row) return;
    const { graph, result } = mapField(get().graph, row.source, row.target);
    set((state) => ({
      ...(result.ok ? { graph: adoptMatchKey(graph, row) } : {}),
      suggestions: state.suggestions.map((entry) =>
        entry === row
          ? { ...entry, status: result.ok ? 'accepted' : 'failed', note: result.ok ? undefined : result.reason }
          : entry,
      ),
    }));
  },
  rejectSuggestion(target) {
    set((state) => ({
      suggestions: state.suggestions.map((entry) =>
        entry.target === target && entry.status === 'pending' ? { ...entry, status: 'rejected' } : entry,
      ),
    }));
  },
  acceptAll() {
    let graph = get().graph;
    const suggestions = get().suggestions.map((row) => {
      if (row.status !== 'pending') return row;
      const outcome = mapField(graph, row.source, row.target);
      if (!outcome.result.ok) return { ...row, status: 'failed' as const, note: outcome.result.reason };
      graph = adoptMatchKey(outcome.graph, row);
      return { ...row, status: 'accepted' as const };
    });
    set({ graph, suggestions });
  },
  rejectAll() {
    set((state) => ({
      suggestions: state.suggestions.map((entry) =>
        entry.status === 'pending' ? { ...entry, status: 'rejected' as const } : entry,
      ),
    }));
  },
});
