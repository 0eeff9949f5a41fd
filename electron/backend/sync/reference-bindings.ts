import type { Flow } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import type { Bindings } from '../../../shared/mapping/evaluate';
import type { Connector } from '../connectors/framework/connector';
import type { EngineDeps } from './engine-deps';

/**
 * `$lookupRef(entity, sourceKey)` for mappings: the target id a source key became
 * in another flow's target entity (an order's account). Uses the local id map the
 * account flow built, asks the target when the map has none, and remembers each
 * answer for the rest of the run.
 */
export async function referenceBindings(
  deps: Pick<EngineDeps, 'idMap' | 'flows'>,
  flow: Flow,
  target: Connector,
): Promise<Bindings> {
  const cache = new Map<string, string | null>();
  const ids = new Map<string, Promise<string | null>>();
  return {
    /**
     * `$lookupId(entity, field, value)`: the id of the target record whose `field` equals `value`
     * (a currency by its ISO code, a price list by its name), so a required lookup gets an id and
     * never the text "EUR". One query per distinct value per run; null when none matches.
     */
    lookupId: (entity: unknown, field: unknown, value: unknown): Promise<string | null> => {
      if (value === undefined || value === null || value === '') return Promise.resolve(null);
      if (!target.lookup)
        throw new AppError(
          'E_MAPPING_EVAL',
          `$lookupId: the target ${target.descriptor.label} cannot look records up.`,
        );
      const key = [entity, field, value].map(String).join('\u0000');
      let found = ids.get(key);
      if (!found) {
        found = target
          .lookup(String(entity), String(field), [String(value)])
          .then((hits) => hits.get(String(value))?.targetKey ?? null);
        // A failed query is not remembered: the next record asks again.
        found.catch(() => ids.delete(key));
        ids.set(key, found);
      }
      return found;
    },
    lookupRef: async (entity: unknown, sourceKey: unknown): Promise<string | null> => {
      if (sourceKey === undefined || sourceKey === null || sourceKey === '') return null;
      const key = `${String(entity)}\u0000${String(sourceKey)}`;
      if (cache.has(key)) return cache.get(key)!;
      let found = (await deps.idMap.targetKeyFor(flow.target.connectionId, String(entity), String(sourceKey))) ?? null;
      if (!found && target.lookup) {
        const owner = (await deps.flows.flows()).find(
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
