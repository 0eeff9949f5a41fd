import { AppError } from '../../../../shared/errors';
import type { CatalogEntry, CatalogPage, CatalogQuery, JsonObject } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { idoCheck, idoHeaders, idoUrl } from './csi-reader';
import { fsmUrl } from './fsm-reader';
import { defaultSources, type ProductLine } from './infor-sources';
import { fsmSampleSize } from './infor-schema';
import { lnUrl } from './ln-reader';
import { m3Execute } from './m3-api';
import { exportColumns } from './m3-export';

/** What the person adds to a pick the system does not say: an M3 list's table, an FSM class's keys. */
export interface DescribeOptions {
  table?: string;
  keys?: string[];
  signal?: AbortSignal;
}

/** The kinds of objects a person can pick as an Infor entity. */
export const catalogKinds = ['m3-table', 'm3-list', 'csi-ido', 'ln-set', 'fsm-class'] as const;
export type CatalogKind = (typeof catalogKinds)[number];
const kindsOf: Record<ProductLine, CatalogKind[]> = {
  m3: ['m3-table', 'm3-list'],
  csi: ['csi-ido'],
  ln: ['ln-set'],
  fsm: ['fsm-class'],
};

/** At most this many entries per answer: a longer list is not browsable, the search must narrow it. */
export const catalogLimit = 200;
/** M3 programs whose transactions one search lists (one `LstTransactions` call each). */
export const m3ProgramLimit = 20;

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
    const page = await listers[kind](context, search, signal, query.kind === kind);
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
  return describers[kind as CatalogKind](context, name.trim(), options);
}

type Lister = (
  context: HookContext,
  search: string,
  signal: AbortSignal | undefined,
  named: boolean,
) => Promise<CatalogPage>;

const matches = (search: string, ...texts: Array<string | undefined>) =>
  !search || texts.some((text) => text?.toLowerCase().includes(search.toLowerCase()));

const listers: Record<CatalogKind, Lister> = {
  /**
   * No MI transaction lists M3 tables (plan finding 6): a table is found by its exact name, which
   * `EXPORTMI/LstFields FILE=` verifies. A search that cannot be a table name lists none.
   */
  async 'm3-table'(context, search, signal, named) {
    if (!/^[A-Za-z][A-Za-z0-9]{3,9}$/.test(search)) return { entries: [], complete: true };
    try {
      return { entries: [await describeM3Table(context, search, signal)], complete: true };
    } catch (error) {
      if (!named && error instanceof AppError && error.code === 'E_NOT_FOUND') return { entries: [], complete: true };
      throw error;
    }
  },
  /** `MRS001MI/LstPrograms`, then `LstTransactions` of the matching programs: their `Lst…` transactions. */
  async 'm3-list'(context, search, signal) {
    const programs = (await m3Execute(context, 'MRS001MI', 'LstPrograms', {}, { maxrecs: 0, signal })).records
      .map((row) => ({ name: (row.MINM ?? '').trim(), description: (row.MIDS ?? '').trim() }))
      .filter((program) => program.name);
    // A search naming a transaction (`CRS610MI.LstByName`, `CRS610MI/LstByName`) names its program first.
    const [programPart, transactionPart = ''] = search.split(/[./]/);
    const wanted = programs
      .filter((program) => matches(programPart ?? '', program.name, program.description))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const entries: CatalogEntry[] = [];
    for (const program of wanted.slice(0, m3ProgramLimit)) {
      const transactions = await m3Execute(
        context,
        'MRS001MI',
        'LstTransactions',
        { MINM: program.name },
        {
          maxrecs: 0,
          signal,
        },
      );
      for (const row of transactions.records) {
        const transaction = (row.TRNM ?? '').trim();
        const description = (row.TRDS ?? '').trim();
        if (!transaction.startsWith('Lst') || !matches(transactionPart, transaction, description)) continue;
        entries.push({
          id: `m3.${program.name}.${transaction}`,
          name: `${program.name}/${transaction}`,
          label: description || `${program.name}/${transaction}`,
          kind: 'm3-list',
          description: program.description || undefined,
          // A list transaction is read in list mode, whose change stamps come from its table: the table is
          // not in MI metadata, so the person names it when adding (see `describeM3List`).
          source: { mode: 'list', list: { program: program.name, transaction, start: '', key: '' } },
        });
      }
    }
    return { entries, complete: wanted.length <= m3ProgramLimit };
  },
  /**
   * Mongoose's metadata IDO `IdoCollections` lists the configuration's IDOs (`CollectionName`),
   * loaded like any IDO (unconfirmed through ION: API-FACTS §1.5 names only the swagger
   * `dynamic/api-docs-collection`; a tenant check should confirm it). Keys come per IDO from
   * `info/{ido}` when one is added.
   */
  async 'csi-ido'(context, search, signal) {
    const url = `${idoUrl(context, 'load/IdoCollections')}?properties=CollectionName&recordcap=0`;
    const response = await context.http.request({ url, headers: await idoHeaders(context), expect: 'json', signal });
    idoCheck(response.data, 'load IdoCollections');
    const items = (response.data as { Items?: Array<Record<string, unknown>> }).Items ?? [];
    const entries = items
      .map((item) => String(item.CollectionName ?? '').trim())
      .filter((name) => name && matches(search, name))
      .map((name): CatalogEntry => ({
        id: `csi.${name}`,
        name,
        label: name,
        kind: 'csi-ido',
        source: { ido: name, label: name },
      }));
    return { entries, complete: true };
  },
  /**
   * The entity sets of each LN service from its `$metadata` (EntityContainer). LN lists no services:
   * the ones the built-in entities use are searched, and a search naming a service (`tdapi.…`) adds it.
   */
  async 'ln-set'(context, search, signal) {
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
  /**
   * `…/soap/classes?_links=true` (API-FACTS §1.7, unconfirmed). A tenant that does not list its
   * classes answers 404: then only a typed class name can be picked, verified by a one-record list.
   */
  async 'fsm-class'(context, search, signal, named) {
    const response = await context.http.request({
      url: `${fsmUrl(context, 'classes')}?_links=true&_out=JSON`,
      expect: 'json',
      signal,
      passStatuses: [400, 403, 404],
    });
    if (response.status >= 400) {
      if (!/^[A-Z][A-Za-z0-9]+$/.test(search)) return { entries: [], complete: false };
      try {
        return { entries: [await fsmClassEntry(context, search, signal)], complete: true };
      } catch (error) {
        if (!named && error instanceof AppError && error.code === 'E_NOT_FOUND')
          return { entries: [], complete: false };
        throw error;
      }
    }
    const items = Array.isArray(response.data) ? (response.data as Array<{ _fields?: Record<string, unknown> }>) : [];
    const entries = items
      .map((item) => item._fields)
      .filter((fields): fields is Record<string, unknown> => Boolean(fields?.BusinessClass))
      .map((fields) => ({ name: String(fields.BusinessClass), description: String(fields.Description ?? '') }))
      .filter((item) => matches(search, item.name, item.description))
      .map((item): CatalogEntry => ({
        id: `fsm.${item.name}`,
        name: item.name,
        label: item.description || item.name,
        kind: 'fsm-class',
        description: item.description || undefined,
        source: { className: item.name, label: item.description || item.name },
      }));
    return { entries, complete: true };
  },
};

type Describer = (context: HookContext, name: string, options: DescribeOptions) => Promise<CatalogEntry>;

const describers: Record<CatalogKind, Describer> = {
  'm3-table': (context, name, { signal }) => describeM3Table(context, name, signal),
  'm3-list': describeM3List,
  async 'csi-ido'(context, name, { signal }) {
    const response = await context.http.request({
      url: idoUrl(context, `info/${encodeURIComponent(name)}`),
      headers: await idoHeaders(context),
      expect: 'json',
      signal,
    });
    try {
      idoCheck(response.data, `info ${name}`);
    } catch (error) {
      throw new AppError('E_NOT_FOUND', `CSI has no IDO ${name}: ${(error as Error).message}`, { ido: name });
    }
    const body = response.data as { Keys?: string[]; Properties?: Array<{ Name?: string }> };
    const keys = body.Keys ?? [];
    if (keys.length === 0)
      throw new AppError(
        'E_INVALID_INPUT',
        `CSI IDO ${name} declares no keys (info/${name}): it cannot be synced by key.`,
      );
    const names = new Set((body.Properties ?? []).map((property) => property.Name));
    const source: JsonObject = { ido: name, keys, label: name };
    // RecordDate is the change date of every IDO over a table (API-FACTS §1.5), the default stamp.
    if (!names.has('RecordDate'))
      throw new AppError(
        'E_INVALID_INPUT',
        `CSI IDO ${name} has no RecordDate property (info/${name}): it cannot be synced incrementally.`,
      );
    return { id: `csi.${name}`, name, label: name, kind: 'csi-ido', source };
  },
  async 'ln-set'(context, name, { signal }) {
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
  'fsm-class': describeFsmClass,
};

/**
 * An M3 table: its columns from `EXPORTMI/LstFields FILE=`, its primary key from
 * `MRS001MI/LstLogicalFiles` (index `00`; CONO left out as every read is per company), its
 * change stamp and change date from the column names (`??LMTS`, `??LMDT`).
 */
async function describeM3Table(context: HookContext, name: string, signal?: AbortSignal): Promise<CatalogEntry> {
  const table = name.toUpperCase();
  let columns;
  try {
    columns = await exportColumns(context, table, signal);
  } catch (error) {
    if (error instanceof AppError)
      throw new AppError('E_NOT_FOUND', `M3 has no table ${table} (EXPORTMI/LstFields: ${error.message}).`, {
        table,
      });
    throw error;
  }
  const indexes = (await m3Execute(context, 'MRS001MI', 'LstLogicalFiles', { FILE: table }, { maxrecs: 0, signal }))
    .records;
  const primary = indexes.find((row) => (row.FLIX ?? '').trim() === '00') ?? indexes[0];
  const keys = Object.entries(primary ?? {})
    .filter(([field]) => /^FL(D\d|\d\d)$/.test(field))
    .sort(([a], [b]) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')))
    .map(([, value]) => value.trim())
    .filter((value) => value && !value.endsWith('CONO'));
  if (keys.length === 0)
    throw new AppError('E_INVALID_INPUT', `M3 table ${table} has no primary key in MRS001MI/LstLogicalFiles.`);
  const named = (suffix: string) => columns.find((column) => column.name.slice(2) === suffix)?.name;
  const source: JsonObject = { table, keys, label: table };
  const stamp = named('LMTS');
  const changeDate = named('LMDT');
  if (stamp) source.stamp = stamp;
  if (changeDate) source.changeDate = changeDate;
  return { id: `m3.${table}`, name: table, label: table, kind: 'm3-table', source };
}

/**
 * An MI list transaction read in list mode (m3-reader.ts): paged from a start input by a unique
 * key, with change stamps from the table it lists. MI metadata does not name that table, so the
 * person does (`OCUSMA` for `CRS610MI/LstByNumber`); the table's single key is the list's key,
 * and the input that starts a page is that key's own input (`CUNO`) or its from-input (`FRSU`).
 * `MRS001MI/LstFields` (TRTP I and O) gives the transaction's inputs and outputs.
 */
async function describeM3List(
  context: HookContext,
  name: string,
  options: { table?: string; signal?: AbortSignal },
): Promise<CatalogEntry> {
  const [program = '', transaction = ''] = name.split(/[./]/);
  if (!options.table)
    throw new AppError(
      'E_INVALID_INPUT',
      `M3 ${program}/${transaction} is a list transaction: name the table it lists (e.g. OCUSMA for CRS610MI/LstByNumber), whose change stamps the read uses.`,
      { field: 'table' },
    );
  const table = await describeM3Table(context, options.table, options.signal);
  const tableSource = table.source as { table: string; keys: string[]; stamp?: string; changeDate?: string };
  const fields = async (kind: 'I' | 'O') =>
    (
      await m3Execute(
        context,
        'MRS001MI',
        'LstFields',
        { MINM: program, TRNM: transaction, TRTP: kind },
        { maxrecs: 0, signal: options.signal },
      )
    ).records.map((row) => (row.FLNM ?? '').trim());
  const [inputs, outputs] = [await fields('I'), await fields('O')];
  if (tableSource.keys.length !== 1)
    throw new AppError(
      'E_INVALID_INPUT',
      `M3 ${program}/${transaction} pages by one key, and ${tableSource.table} has ${tableSource.keys.length} key columns (${tableSource.keys.join(', ')}): add the table instead.`,
    );
  const key = tableSource.keys[0]!.slice(2);
  const start = inputs.find((input) => input === key) ?? inputs.find((input) => input === `FR${key.slice(0, 2)}`);
  if (!outputs.includes(key) || !start)
    throw new AppError(
      'E_INVALID_INPUT',
      `M3 ${program}/${transaction} cannot be paged by ${key}: ${outputs.includes(key) ? `no input starts the list at a ${key}` : `${key} is not among its outputs`}. Add the table ${tableSource.table} instead.`,
    );
  const list: JsonObject = { program, transaction, start, key };
  // The changed-since input, where the list has one (LstByNumber, LstSuppliers: API-FACTS §10).
  if (inputs.includes('LMTS')) list.stampInput = 'LMTS';
  const id = `m3.${program}.${transaction}`;
  return {
    id,
    name: `${program}/${transaction}`,
    label: `${program}/${transaction}`,
    kind: 'm3-list',
    source: { ...tableSource, mode: 'list', list, label: `${program}/${transaction}` },
  };
}

/** A typed FSM class that exists (a one-record list answers), for the search results. */
async function fsmClassEntry(context: HookContext, name: string, signal?: AbortSignal): Promise<CatalogEntry> {
  const url = `${fsmUrl(context, `classes/${encodeURIComponent(name)}/lists/_generic`)}?_fields=_all&_limit=1&_out=JSON`;
  const response = await context.http.request({ url, expect: 'json', signal, passStatuses: [400, 404] });
  if (response.status >= 400)
    throw new AppError('E_NOT_FOUND', `FSM has no business class ${name} (HTTP ${response.status}).`, {
      className: name,
    });
  return { id: `fsm.${name}`, name, label: name, kind: 'fsm-class', source: { className: name, label: name } };
}

/**
 * An FSM class, verified by listing a sample of its records (`_fields=_all`). No public source
 * gives a class's key (API-FACTS §10): the person names the fields, or the class's own field (with
 * its group, `VendorGroup` + `Vendor`) stands in; either way the sample must show them and no two
 * sampled records may share a key, else sync would merge records.
 */
async function describeFsmClass(
  context: HookContext,
  name: string,
  options: { keys?: string[]; signal?: AbortSignal } = {},
): Promise<CatalogEntry> {
  const url = `${fsmUrl(context, `classes/${encodeURIComponent(name)}/lists/_generic`)}?_fields=_all&_limit=${fsmSampleSize}&_out=JSON`;
  const response = await context.http.request({
    url,
    expect: 'json',
    signal: options.signal,
    passStatuses: [400, 404],
  });
  if (response.status >= 400)
    throw new AppError('E_NOT_FOUND', `FSM has no business class ${name} (HTTP ${response.status}).`, {
      className: name,
    });
  const rows = (Array.isArray(response.data) ? (response.data as Array<{ _fields?: Record<string, unknown> }>) : [])
    .map((item) => item._fields)
    .filter((fields): fields is Record<string, unknown> => Boolean(fields));
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const guessed = [`${name}Group`, name].filter((field) => fields.includes(field));
  const keys = options.keys ?? (guessed.includes(name) ? guessed : []);
  if (keys.length === 0)
    throw new AppError(
      'E_INVALID_INPUT',
      `FSM does not say which fields identify a ${name}: name its key fields (sampled fields: ${fields.join(', ') || 'none, the class has no records'}).`,
      { field: 'keys', fields },
    );
  const missing = keys.filter((key) => !fields.includes(key));
  if (missing.length > 0)
    throw new AppError('E_INVALID_INPUT', `FSM ${name} has no field ${missing.join(', ')} in its records.`, {
      field: 'keys',
      fields,
    });
  const seen = new Set<string>();
  for (const row of rows) {
    const key = JSON.stringify(keys.map((field) => row[field] ?? null));
    if (seen.has(key))
      throw new AppError(
        'E_INVALID_INPUT',
        `FSM ${name}: ${keys.join(' + ')} does not identify one record each (two sampled records share ${key}); name more key fields.`,
        { field: 'keys', fields },
      );
    seen.add(key);
  }
  const source: JsonObject = { className: name, keys, label: name };
  if (fields.includes('UpdateStamp')) source.stamp = 'UpdateStamp';
  return { id: `fsm.${name}`, name, label: name, kind: 'fsm-class', source };
}

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
