import { AppError } from '../../../../shared/errors';
import type { JsonObject, LookupHit, ReadPage, SourceRecord } from '../framework/connector';
import type { ConnectorHooks, HookContext } from '../framework/hooks';
import { cin7ListKeys, type Cin7Entity } from './cin7.descriptor';
import { cin7Schema } from './cin7.schema';
import { Cin7Directory } from './cin7-directory';
import { asString, cin7Get, cin7Instant, normaliseCin7Record } from './cin7-http';
import { writeParty, writePurchase } from './cin7-write';

const stampFields: Record<Cin7Entity, string[]> = {
  Supplier: ['LastModifiedOn'],
  Customer: ['LastModifiedOn'],
  Purchase: ['LastUpdatedDate', 'OrderDate'],
  Account: [],
};

function entityOf(entity: string): Cin7Entity {
  if (entity in cin7ListKeys) return entity as Cin7Entity;
  throw new AppError('E_NOT_FOUND', `Cin7 Core has no entity "${entity}".`);
}

/** Name matching is on unless the connection turns it off or the flow's match key leaves `Name` out. */
function matchesByName(context: HookContext, matchKey: string[]): boolean {
  return context.settings.matchByName !== false && (matchKey.length === 0 || matchKey.includes('Name'));
}

export interface Cin7Hooks extends ConnectorHooks {
  lookup(context: HookContext, entity: string, matchKey: string, values: string[], signal?: AbortSignal): Promise<Map<string, LookupHit>>;
}

/** Hooks hold per-connection state (the supplier and customer directories), so each connector gets its own. */
export function createCin7Hooks(): Cin7Hooks {
  const directories = {
    Supplier: new Cin7Directory('/supplier', cin7ListKeys.Supplier),
    Customer: new Cin7Directory('/customer', cin7ListKeys.Customer),
  };

  const normalize = (_context: HookContext, entity: string, raw: unknown): SourceRecord => {
    const name = entityOf(entity);
    const data = normaliseCin7Record(raw as Record<string, unknown>, stampFields[name]);
    const key = name === 'Account' ? asString(data.Code) : asString(data.ID);
    const stampField = stampFields[name][0];
    return { key, stamp: stampField ? cin7Instant(data[stampField]) : '', data, raw };
  };

  async function* scan(context: HookContext, entity: Cin7Entity, query: Record<string, string | number | undefined>, pageSize: number, signal?: AbortSignal) {
    const endpoint = context.descriptor.entities[entity]?.read?.endpoint ?? '';
    for (let page = 1; ; page += 1) {
      signal?.throwIfAborted();
      const body = await cin7Get(context, endpoint, { ...query, Page: page, Limit: pageSize }, signal);
      const list = body[cin7ListKeys[entity]];
      const items = Array.isArray(list) ? (list as unknown[]) : [];
      yield items;
      const total = Number(body.Total ?? items.length);
      if (items.length === 0 || page * pageSize >= total) return;
    }
  }

  return {
    extractErrorCode: (response) => {
      const body = response.data ?? safeParse(response.text);
      const first = Array.isArray(body) ? body[0] : body;
      return first && typeof first === 'object' && 'ErrorCode' in first ? String((first as { ErrorCode: unknown }).ErrorCode) : undefined;
    },

    async *readPages(context, entity, options): AsyncIterable<ReadPage> {
      const name = entityOf(entity);
      const read = context.descriptor.entities[name]?.read;
      const since = options.since && read?.modifiedSince ? { [read.modifiedSince.template]: new Date(options.since).toISOString() } : {};
      // Deprecated suppliers and customers still exist (Cin7 never deletes them); their Status says so.
      const deprecated = name === 'Supplier' || name === 'Customer' ? { IncludeDeprecated: 'true' } : {};
      for await (const items of scan(context, name, { ...since, ...deprecated }, options.pageSize ?? 1000, options.signal)) {
        yield { records: items.map((item) => normalize(context, name, item)), calls: 1 };
      }
    },

    normalize,

    async writeBatch(context, entity, records, matchKey) {
      const name = entityOf(entity);
      const results = [];
      for (const record of records) {
        if (name === 'Purchase') results.push(await writePurchase(context, record));
        else if (name === 'Supplier' || name === 'Customer') results.push(await writeParty(context, name, directories[name], record, matchesByName(context, matchKey)));
        else throw new AppError('E_INVALID_INPUT', `Cin7 Core: ${name} is read-only here.`);
      }
      return results;
    },

    async discoverSchema(_context, entity) {
      return cin7Schema(entityOf(entity));
    },

    async probe(context) {
      const me = await cin7Get(context, '/me', {});
      return { tenant: asString(me.Company as string) || undefined, identity: 'API application' };
    },

    async lookup(context, entity, matchKey, values, signal) {
      const name = entityOf(entity);
      const wanted = new Map(values.filter(Boolean).map((value) => [value.toLowerCase(), value]));
      const hits = new Map<string, LookupHit>();
      const keyOf = (data: JsonObject) => (name === 'Account' ? asString(data.Code) : asString(data.ID));
      const take = (item: unknown) => {
        const data = normalize(context, name, item).data;
        const original = wanted.get(asString(data[matchKey]).toLowerCase());
        if (original !== undefined && !hits.has(original)) hits.set(original, { targetKey: keyOf(data), data });
      };
      if (wanted.size === 0) return hits;
      // A full scan costs one call per 1,000 records; per-value filters one call each. Scan while that is cheaper.
      let scanned = true;
      let pages = 0;
      for await (const items of scan(context, name, { IncludeDeprecated: 'true' }, 1000, signal)) {
        items.forEach(take);
        pages += 1;
        if (pages >= wanted.size && hits.size < wanted.size) {
          scanned = false;
          break;
        }
      }
      if (scanned || name === 'Account') return hits;
      for (const original of wanted.values()) {
        if (hits.has(original)) continue;
        const endpoint = name === 'Purchase' ? '/purchase' : `/${name.toLowerCase()}`;
        const filter = matchKey === 'ID' ? { ID: original } : matchKey === 'Name' ? { Name: original } : undefined;
        if (!filter) continue;
        const body = await cin7Get(context, endpoint, { ...filter, IncludeDeprecated: 'true' }, signal).catch((error: unknown): Record<string, unknown> => {
          if (error instanceof AppError && error.code === 'E_NOT_FOUND') return {};
          throw error;
        });
        const list = name === 'Purchase' ? ('ID' in body ? [body] : []) : ((body[cin7ListKeys[name]] ?? []) as unknown[]);
        list.forEach(take);
      }
      return hits;
    },
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
