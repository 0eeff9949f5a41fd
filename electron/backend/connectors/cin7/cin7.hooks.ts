import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, LookupHit, ReadPage, SourceRecord } from '../framework/connector';
import { formatSince } from '../framework/since';
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

  /**
   * A purchase as a source: the list's summary (OrderStatus, InvoiceAmount) over the full purchase of
   * `GET /purchase?ID=` (API-FACTS §6.2: the list has no lines), with its order lines also as a
   * top-level `lines` array so a child flow or a PO-with-lines mapping reads them like Infor's.
   */
  async function withLines(context: HookContext, summary: JsonObject, signal?: AbortSignal): Promise<JsonObject> {
    const full = normaliseCin7Record(await cin7Get(context, '/purchase', { ID: asString(summary.ID) }, signal), [
      'LastUpdatedDate',
      'OrderDate',
    ]);
    const order = full.Order;
    const lines = order && typeof order === 'object' && !Array.isArray(order) ? order.Lines : undefined;
    if (lines !== undefined && lines !== null && !Array.isArray(lines))
      throw new AppError(
        'E_REMOTE',
        `Cin7 purchase ${asString(summary.ID)} (${asString(summary.OrderNumber)}): its Order.Lines is not a list.`,
      );
    return { ...summary, ...full, lines: (lines ?? []) as JsonObject[] };
  }

  return {
    /**
     * Every list read, through the descriptor's `Page`/`Limit` paging, each record once. No source
     * says in which order Cin7 lists (the sandbox's `listOrder` switch): if by the stamp the
     * `…Since` filter reads, an edit mid-read moves a record to the last page and a later one back
     * onto a page already read. The filtered set only grows while it is read (a record enters by
     * being edited, none leaves: Cin7 deprecates and voids, never deletes), so fewer distinct
     * records than the last page's `Total` means one was skipped: walk again for the missing ones.
     *
     * Deletions: Cin7 has no deletion feed for these entities. Suppliers and customers are set
     * `Deprecated` (read with IncludeDeprecated), purchases `VOIDED`; both come as ordinary
     * changes carrying that Status, so `ReadOptions.deletions` has nothing more to report.
     */
    async *readPages(context, entity, options): AsyncIterable<ReadPage> {
      const name = entityOf(entity);
      const read = context.descriptor.entities[name]!.read!;
      const query: Record<string, string> = { ...read.query };
      if (options.since && read.modifiedSince)
        query[read.modifiedSince.template] = formatSince(read.modifiedSince.format, options.since);
      const pageSize = options.pageSize ?? read.pagination.defaultPageSize;
      const handed = new Set<string>();
      for (let walk = 1; ; walk += 1) {
        let total = 0;
        const url = withQuery(context.url(context.descriptor.baseUrl).replace(/\/+$/, '') + read.endpoint, {
          ...query,
          [read.pagination.pageSizeParam ?? 'Limit']: String(pageSize),
        });
        const pages = walkPages(context.http, {
          paging: read.pagination,
          url,
          pageSize,
          signal: options.signal,
          what: `Cin7 ${name}`,
          ...slots(name),
        });
        for await (const page of pages) {
          total = Number((page.body as { Total?: unknown }).Total ?? 0);
          const records: SourceRecord[] = [];
          let calls = 1;
          for (const raw of page.rows) {
            const record = normalize(context, name, raw);
            if (!record.key)
              throw new AppError(
                'E_REMOTE',
                `Cin7 ${name}: a listed record has no ${name === 'Account' ? 'Code' : 'ID'} (${JSON.stringify(raw).slice(0, 120)}); it cannot be read.`,
              );
            if (handed.has(record.key)) continue;
            handed.add(record.key);
            if (name === 'Purchase') {
              record.data = await withLines(context, record.data, options.signal);
              calls += 1;
            }
            records.push(record);
          }
          yield { records, calls };
        }
        if (handed.size >= total) return;
        if (walk === 3)
          throw new AppError(
            'E_REMOTE',
            `Cin7 ${name}: records kept changing place while being read (${total - handed.size} of ${total} still unread after three passes); run the flow again.`,
          );
      }
    },

    extractErrorCode: (response) => {
      const body = response.data ?? safeParse(response.text);
      const first = Array.isArray(body) ? body[0] : body;
      return first && typeof first === 'object' && 'ErrorCode' in first
        ? String((first as { ErrorCode: unknown }).ErrorCode)
        : undefined;
    },

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
        if (original !== undefined && !hits.has(original)) {
          const { stamp } = normalize(context, name, item);
          hits.set(original, { targetKey: keyOf(data), data, ...(stamp ? { stamp } : {}) });
        }
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
