import type { Flow } from '../../../shared/domain/flow';
import type { Bindings } from '../../../shared/mapping/evaluate';
import type { Connector } from '../connectors/framework/connector';
import type { EngineDeps } from './engine-deps';

/**
 * `$lookupRef(entity, sourceKey)` for mappings: the target id a source key became
 * in another flow's target entity (an order's account). Uses the local id map the
 * account flow built, asks the target when the map has none, and remembers each
 * answer for the rest of the run.
 */
export function referenceBindings(deps: Pick<EngineDeps, 'idMap' | 'flows'>, flow: Flow, target: Connector): Bindings {
  const cache = new Map<string, string | null>();
  return {
    lookupRef: async (entity: unknown, sourceKey: unknown): Promise<string | null> => {
      if (sourceKey === undefined || sourceKey === null || sourceKey === '') return null;
      const key = `${String(entity)}\u0000${String(sourceKey)}`;
      if (cache.has(key)) return cache.get(key)!;
      let found = deps.idMap.targetKeyFor(flow.target.connectionId, String(entity), String(sourceKey)) ?? null;
      if (!found && target.lookup) {
        const owner = deps.flows
          .flows()
          .find(
            (candidate) =>
              candidate.target.connectionId === flow.target.connectionId && candidate.target.entity === entity,
          );
        if (owner) {
          const hits = await target.lookup(String(entity), owner.target.matchKey[0]!, [String(sourceKey)]);
          found = hits.get(String(sourceKey))?.targetKey ?? null;
        }
      }
      cache.set(key, found);
      return found;
    },
  };
}
