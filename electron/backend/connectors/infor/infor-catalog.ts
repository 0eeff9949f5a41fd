import { AppError } from '../../../../shared/errors';
import type { CatalogEntry, CatalogPage, CatalogQuery } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { csiIdo } from './catalog-csi';
import { fsmClass } from './catalog-fsm';
import type { CatalogKind, CatalogKindReader, DescribeOptions } from './catalog-kinds';
import { lnSet } from './catalog-ln';
import { m3List, m3Table } from './catalog-m3';
import type { ProductLine } from './infor-sources';

export { catalogKinds, type CatalogKind, type DescribeOptions } from './catalog-kinds';
export { m3ProgramLimit } from './catalog-m3';

const kindsOf: Record<ProductLine, CatalogKind[]> = {
  m3: ['m3-table', 'm3-list'],
  csi: ['csi-ido'],
  ln: ['ln-set'],
  fsm: ['fsm-class'],
};

/** At most this many entries per answer: a longer list is not browsable, the search must narrow it. */
export const catalogLimit = 200;

/**
 * What the tenant exposes that could be read as an entity, sorted by id. Per product line, from
 * documented sources only (API-FACTS §1.4–1.7): M3 `MRS001MI` and `EXPORTMI`, the Mongoose
 * metadata IDO, LN `$metadata`, FSM `classes`. A name typed in full that names no object is
 * said so (`E_NOT_FOUND`), never answered with an empty list.
 */
export async function inforCatalog(
  context: HookContext,
  productLine: ProductLine,
  query: CatalogQuery,
  signal?: AbortSignal,
): Promise<CatalogPage> {
  const search = (query.search ?? '').trim();
  const kinds = kindsOf[productLine].filter((kind) => !query.kind || query.kind === kind);
  if (query.kind && kinds.length === 0)
    throw new AppError(
      'E_INVALID_INPUT',
      `Infor ${productLine.toUpperCase()} has no objects of kind ${query.kind}; it offers ${kindsOf[productLine].join(', ')}.`,
    );
  const found: CatalogEntry[] = [];
  let complete = true;
  for (const kind of kinds) {
    const page = await readers[kind].list(context, search, signal, query.kind === kind);
    found.push(...page.entries);
    complete &&= page.complete;
  }
  const unique = [...new Map(found.map((entry) => [entry.id, entry])).values()];
  // Total order: ids are unique, so sorting by id alone decides every pair.
  unique.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (unique.length > catalogLimit) return { entries: unique.slice(0, catalogLimit), complete: false };
  return { entries: unique, complete };
}

/**
 * One object verified and described in full, ready to store as an entity source: the name is
 * what the catalogue lists (`OCUSMA`, `SLItems`, `tcapi.comBusinessPartner/BusinessPartners`,
 * `GeneralLedgerTotal`). An object the tenant does not have is an error naming it.
 */
export async function inforCatalogEntry(
  context: HookContext,
  productLine: ProductLine,
  kind: string,
  name: string,
  options: DescribeOptions = {},
): Promise<CatalogEntry> {
  if (!(kindsOf[productLine] as string[]).includes(kind))
    throw new AppError('E_INVALID_INPUT', `Infor ${productLine.toUpperCase()} has no objects of kind ${kind}.`);
  return readers[kind as CatalogKind].describe(context, name.trim(), options);
}

/** Each kind's reader, one file per product line. */
const readers: Record<CatalogKind, CatalogKindReader> = {
  'm3-table': m3Table,
  'm3-list': m3List,
  'csi-ido': csiIdo,
  'ln-set': lnSet,
  'fsm-class': fsmClass,
};
