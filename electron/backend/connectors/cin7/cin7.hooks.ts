import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, LookupHit, SourceRecord } from '../framework/connector';
import { walkPages, withQuery } from '../framework/paginator';
import type { TargetHooks, HookContext } from '../framework/hooks';
import { cin7Descriptor, cin7ListKeys, type Cin7Entity } from './cin7.descriptor';
import { cin7Schema } from './cin7.schema';
import { Cin7Directory } from './cin7-directory';
import { asString, cin7AnswerOf, cin7Get, cin7GetError, cin7Instant, normaliseCin7Record } from './cin7-http';
import { Cin7ProductCatalog } from './cin7-products';
import { writeParty, writePurchase } from './cin7-write';
import { Cin7AccountCodes, writeAccount } from './cin7-accounts';

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

export type Cin7Hooks = TargetHooks;

/** Hooks hold per-connection state (the supplier and customer directories), so each connector gets its own. */
export function createCin7Hooks(): Cin7Hooks {
  const directories = {
    Supplier: new Cin7Directory('/supplier', cin7ListKeys.Supplier),
    Customer: new Cin7Directory('/customer', cin7ListKeys.Customer),
  };
  const products = new Cin7ProductCatalog();
  const accountCodes = new Cin7AccountCodes();

  const normalize = (_context: HookContext, entity: string, raw: unknown): SourceRecord => {
    const name = entityOf(entity);
    const data = normaliseCin7Record(raw as Record<string, unknown>, stampFields[name]);
    const key = name === 'Account' ? asString(data.Code) : asString(data.ID);
    const stampField = stampFields[name][0];
    return { key, stamp: stampField ? cin7Instant(data[stampField]) : '', data, raw };
  };

  /** Every page of a list through the framework's paginator (the descriptor's `page` paging). */
  async function* scan(
    context: HookContext,
    entity: Cin7Entity,
    query: Record<string, string>,
    pageSize: number,
    signal?: AbortSignal,
  ) {
    const read = context.descriptor.entities[entity]!.read!;
    const url = withQuery(context.url(context.descriptor.baseUrl).replace(/\/+$/, '') + read.endpoint, {
      ...query,
      [read.pagination.pageSizeParam ?? 'Limit']: String(pageSize),
    });
    const pages = walkPages(context.http, {
      paging: read.pagination,
      url,
      pageSize,
      signal,
      what: `Cin7 ${entity}`,
      ...slots(entity),
    });
    for await (const page of pages) yield page.rows;
  }

  const slots = (entity: string) => ({
    extractRecords: (body: unknown) => {
      const list = (body as Record<string, unknown>)[cin7ListKeys[entityOf(entity)]];
      return Array.isArray(list) ? (list as unknown[]) : [];
    },
    mapError: (response: HttpResponse) =>
      cin7GetError(cin7Descriptor.entities[entity]?.read?.endpoint ?? entity, cin7AnswerOf(response)),
  });

  return {
    extractErrorCode: (response) => {
      const body = response.data ?? safeParse(response.text);
      const first = Array.isArray(body) ? body[0] : body;
      return first && typeof first === 'object' && 'ErrorCode' in first
        ? String((first as { ErrorCode: unknown }).ErrorCode)
        : undefined;
    },

    extractRecords: (body, entity) => slots(entity).extractRecords(body),
    mapError: (response, entity) => slots(entity).mapError(response),

    normalize,

    async writeBatch(context, entity, records, matchKey) {
      const name = entityOf(entity);
      const results = [];
      for (const record of records) {
        if (name === 'Purchase') results.push(await writePurchase(context, record, products));
        else if (name === 'Supplier' || name === 'Customer')
          results.push(await writeParty(context, name, directories[name], record, matchesByName(context, matchKey)));
        else results.push(await writeAccount(context, accountCodes, record));
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
        const body = await cin7Get(context, endpoint, { ...filter, IncludeDeprecated: 'true' }, signal).catch(
          (error: unknown): Record<string, unknown> => {
            if (error instanceof AppError && error.code === 'E_NOT_FOUND') return {};
            throw error;
          },
        );
        const list =
          name === 'Purchase' ? ('ID' in body ? [body] : []) : ((body[cin7ListKeys[name]] ?? []) as unknown[]);
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
