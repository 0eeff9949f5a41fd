import { AppError } from '../../../../shared/errors';
import type { CatalogEntry } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { matches, type CatalogKindReader } from './catalog-kinds';
import { defaultSources } from './infor-sources';
import { lnUrl } from './ln-reader';

/** LN entity sets, from each service's `$metadata`. */
export const lnSet: CatalogKindReader = {
  /**
   * The entity sets of each LN service from its `$metadata` (EntityContainer). LN lists no services:
   * the ones the built-in entities use are searched, and a search naming a service (`tdapi.…`) adds it.
   */
  async list(context, search, signal) {
    const known = Object.values(defaultSources.ln).map((source) => source!.service);
    const typed = /^[a-z]{2,4}api\.[A-Za-z0-9]+$/.test(search.split('/')[0] ?? '') ? [search.split('/')[0]!] : [];
    const services = [...new Set([...known, ...typed])].sort();
    const entries: CatalogEntry[] = [];
    for (const service of services) {
      const metadata = await lnMetadata(context, service, signal, typed.includes(service));
      if (!metadata) continue;
      for (const set of entitySets(metadata)) {
        const name = `${service}/${set.name}`;
        if (!matches(search, name, set.name) && !typed.includes(service)) continue;
        entries.push({
          id: `ln.${service}.${set.name}`,
          name,
          label: set.name,
          kind: 'ln-set',
          description: service,
          source: { service, set: set.name, keys: set.keys, label: set.name },
        });
      }
    }
    return { entries, complete: true };
  },
  async describe(context, name, { signal }) {
    const [service = '', set = ''] = name.split('/');
    const metadata = await lnMetadata(context, service, signal, true);
    const found = entitySets(metadata ?? '').find((candidate) => candidate.name === set);
    if (!found) throw new AppError('E_NOT_FOUND', `LN service ${service} has no entity set ${set} ($metadata).`);
    return {
      id: `ln.${service}.${set}`,
      name,
      label: set,
      kind: 'ln-set',
      description: service,
      source: { service, set, keys: found.keys, label: set },
    };
  },
};

async function lnMetadata(
  context: HookContext,
  service: string,
  signal: AbortSignal | undefined,
  required: boolean,
): Promise<string | undefined> {
  const response = await context.http.request({
    url: lnUrl(context, service, '$metadata'),
    headers: { accept: 'application/xml' },
    signal,
    passStatuses: [400, 403, 404],
  });
  if (response.status < 400) return response.text;
  if (!required) return undefined;
  throw new AppError('E_NOT_FOUND', `LN has no service ${service} ($metadata answered HTTP ${response.status}).`, {
    service,
  });
}

const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

/** The EntityContainer's sets with their entity type's key (CSDL `Key/PropertyRef`). */
function entitySets(xml: string): Array<{ name: string; keys: string[] }> {
  const types = new Map(
    [...xml.matchAll(/<EntityType\b[^>]*>[\s\S]*?<\/EntityType>/g)].map((match) => [
      attribute(match[0], 'Name') ?? '',
      [...match[0].matchAll(/<PropertyRef\b[^>]*>/g)].map((ref) => attribute(ref[0], 'Name') ?? ''),
    ]),
  );
  return [...xml.matchAll(/<EntitySet\b[^>]*>/g)]
    .map((match) => ({
      name: attribute(match[0], 'Name') ?? '',
      keys: types.get(attribute(match[0], 'EntityType')?.split('.').pop() ?? '') ?? [],
    }))
    .filter((set) => set.name && set.keys.length > 0);
}
