import { placeholderIdBindings, sampleReferencePrefix } from '../../../../../shared/bundle/bundle.schema';
import type { Bindings, MappingGraph } from '../../../../../shared/mapping';

/**
 * What `$lookupRef` answers in the preview. The real target id only exists at run time (the id
 * map the flow writing that entity builds), so the preview shows the same placeholder bundle
 * samples use, `ref:Accounts/C0000606`: which entity, which key. An empty key stays null.
 */
export const previewBindings: Bindings = {
  ...placeholderIdBindings,
  lookupRef: (entity: unknown, key: unknown) =>
    key === undefined || key === null || key === '' ? null : `${sampleReferencePrefix}${String(entity)}/${String(key)}`,
};

/** Entities the graph's reference lookups point at, for the preview's explanation. */
export function lookupEntities(graph: MappingGraph): string[] {
  return [...new Set(graph.nodes.flatMap((node) => (node.kind === 'lookup' ? [node.data.entity] : [])))].sort();
}
