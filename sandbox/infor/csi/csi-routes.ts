import type { SandboxServer, SimulatorContext } from '../../kit';
import { collect, takePage, test, type FieldCondition, type Position, type Row } from '../data/collection';
import type { InforData } from '../data/records';
import type { LinesBehaviour } from '../behaviour-lines';
import { csiDateTime, parseStamp } from '../formats';
import { idos, itemId, type Ido } from './csi-idos';
import { idoUpdate } from './csi-write';

/**
 * Mongoose IDO REST v2 under `/{tenant}/CSI/IDORequestService/ido/`. Every functional error
 * is HTTP 200 with `Success:false` (including a missing `X-Infor-MongooseConfig`), as CSI does.
 */
type Gateway = (
  handler: (context: SimulatorContext) => Promise<void> | void,
) => (context: SimulatorContext) => Promise<void>;

const maxRows = 100_000;

/** Sites of a multi-site tenant, as the fixture's `/configurations` lists them (CSI_DALS, CSI_EMEA, CSI_LA). */
export const csiSites = ['DALS', 'EMEA', 'LA'] as const;

export function configurations(tenant: string): string[] {
  return csiSites.map((site) => `${tenant}_${site}`);
}

/**
 * `sites[i]` is the data of `configurations(tenant)[i]`: each site is its own database with its own
 * rows (the same key may name different companies at two sites).
 */
export function registerCsiRoutes(
  server: SandboxServer,
  tenant: string,
  sites: InforData[],
  gateway: Gateway,
  behaviour: () => LinesBehaviour,
): void {
  const base = `/${tenant}/CSI/IDORequestService/ido`;
  const known = configurations(tenant);
  const failure = (context: SimulatorContext, message: string) =>
    context.json(200, { Items: null, Bookmark: null, MoreRowsExist: false, Success: false, Message: message });
  // `loads`: the route loads rows, so the metadata IDO IdoCollections answers there too.
  const withConfig = (
    handler: (context: SimulatorContext, ido: Ido, data: InforData) => void | Promise<void>,
    loads = false,
  ) =>
    gateway((context) => {
      const config = context.header('x-infor-mongooseconfig');
      if (!config)
        return failure(context, 'The X-Infor-MongooseConfig header is required: name the configuration to use.');
      const index = known.indexOf(config);
      const data = sites[index];
      if (!data) return failure(context, `Configuration "${config}" does not exist.`);
      // A site header that contradicts the configuration would read another site's rows: refused.
      const site = context.header('x-infor-site');
      if (site === undefined && behaviour().csiRequireSite)
        return failure(context, 'The X-Infor-Site header is required: name the site to use.');
      if (site !== undefined && site !== csiSites[index])
        return failure(context, `Site "${site}" is not the site of configuration "${config}".`);
      const name = (context.params.ido ?? '').toLowerCase();
      if (name === 'idocollections' && loads) return idoCollections(context);
      const ido = idos[name];
      if (!ido) return failure(context, `IDO "${context.params.ido}" does not exist or is not licensed.`);
      return handler(context, ido, data);
    });

  /**
   * `IdoCollections` is Mongoose's own metadata IDO: one row per IDO of the configuration
   * (`CollectionName`), loaded like any IDO (Mongoose IDO REST `load/{ido}`; the metadata IDO is
   * what the Mongoose IDO designer lists; unconfirmed through ION). Only `CollectionName` is
   * served here: any other property or a filter is refused, as the real system refuses unknown
   * properties.
   */
  const idoCollections = (context: SimulatorContext) => {
    const asked = (context.query.get('properties') ?? '').split(',').map((name) => name.trim());
    const unknown = asked.find((name) => name.toLowerCase() !== 'collectionname');
    if (unknown !== undefined) return failure(context, `Property "${unknown}" does not exist on IdoCollections.`);
    if (context.query.get('filter'))
      return failure(context, 'IdoCollections: filters are not served by this simulator.');
    const names = Object.values(idos)
      .map((ido) => ido.name)
      .sort();
    context.json(200, {
      Items: names.map((CollectionName) => ({
        CollectionName,
        _ItemId: `PBT=[IdoCollections] CollectionName=[${CollectionName}]`,
      })),
      Bookmark: null,
      MoreRowsExist: false,
      Success: true,
      Message: null,
    });
  };

  server.route({
    method: 'GET',
    pattern: `${base}/configurations`,
    name: 'CSI configurations',
    handler: gateway((context) => context.json(200, { Message: null, Success: true, Configurations: known })),
  });
  server.route({
    method: 'GET',
    pattern: `${base}/info/:ido`,
    name: 'CSI info',
    handler: withConfig((context, ido) => context.json(200, info(ido))),
  });
  server.route({
    method: 'POST',
    pattern: `${base}/update/:ido`,
    name: 'CSI update',
    handler: withConfig((context, ido, data) => idoUpdate(context, ido, data, behaviour())),
  });
  server.route({
    method: 'GET',
    pattern: `${base}/load/:ido`,
    name: 'CSI load',
    handler: withConfig((context, ido, data) => {
      const result = load(data, ido, context.query, behaviour());
      if ('error' in result) return failure(context, String(result.error));
      context.json(200, result);
    }, true),
  });
}

function info(ido: Ido) {
  return {
    Message: null,
    Success: true,
    Keys: ido.keys,
    Properties: ido.properties.map((property) => ({
      BooleanFalseValue: property.dataType === 'Byte' ? '0' : '',
      BooleanTrueValue: property.dataType === 'Byte' ? '1' : '',
      CaseFormat: '',
      ClrTypeName:
        property.dataType === 'Date' ? 'DateTime' : property.dataType === 'Integer' ? 'Int32' : property.dataType,
      ColumnDataType:
        property.dataType === 'Date'
          ? 'CurrentDateType'
          : property.dataType === 'Decimal'
            ? 'AmountType'
            : 'StringType',
      DataType: property.dataType,
      DateFormat: property.dataType === 'Date' ? 'yyyyMMdd HH:mm:ss.fff' : '',
      DecimalPos: property.dataType === 'Decimal' ? 8 : 0,
      DefaultIMECharset: '',
      DefaultValue: '',
      DomainIDOName: property.name === 'CustNum' && ido.name !== 'SLCustomers' ? 'SLCustomers' : '',
      DomainListProperties: '',
      DomainProperty: '',
      InputMask: '',
      IsItemWarnings: false,
      JustifyFormat: property.dataType === 'Decimal' || property.dataType === 'Integer' ? 'R' : 'L',
      LabelStringID: `s${property.name}`,
      Length: property.length,
      Name: property.name,
      PropertyClass: property.name.replace(/_\d$/, ''),
      RORecord: false,
      ReadOnly: property.readOnly === true,
      Required: property.required === true,
    })),
    SubCollections: ido.subCollections ?? [],
  };
}

function load(data: InforData, ido: Ido, query: URLSearchParams, behaviour: LinesBehaviour) {
  const param = (name: string) => {
    for (const [key, value] of query) if (key.toLowerCase() === name) return value;
    return undefined;
  };
  const allNames = ido.properties.map((property) => property.name);
  const requested = (param('properties') ?? '*').trim();
  const properties: string[] = [];
  for (const name of requested === '*' || requested === '' ? allNames : requested.split(',')) {
    const found = allNames.find((candidate) => candidate.toLowerCase() === name.trim().toLowerCase());
    if (!found) return { error: `Property "${name.trim()}" does not exist on IDO ${ido.name}.` };
    properties.push(found);
  }
  const parsed = parseFilter(param('filter') ?? '');
  if ('error' in parsed) return parsed;
  const literals = new Map<FieldCondition, string>();
  for (const condition of leaves(parsed)) {
    const property = allNames.find((name) => name.toLowerCase() === condition.field.toLowerCase());
    if (!property) {
      // Real CSI refuses the filter (API-FACTS §10), never answers "no rows": no switch for it.
      return { error: `Property "${condition.field}" does not exist on IDO ${ido.name}.` };
    }
    if (!ido.dateFields?.includes(property)) continue;
    const literal = sqlDateLiteral(condition.value, behaviour.csiDateFormat);
    if ('error' in literal) return literal;
    literals.set(condition, csiDateTime(literal.instant));
  }
  const tree = mapLeaves(parsed, (condition) => ({ ...condition, value: literals.get(condition) ?? condition.value }));
  // ANDs narrow the scan; a filter with OR is checked row by row.
  const conditions = conjunction(tree);

  const orderText = (param('orderby') ?? '').trim();
  const [orderName = '', direction = ''] = orderText.split(/\s+/);
  let order: 'key' | 'stamp' = 'key';
  if (orderName && orderName.toLowerCase() === 'recorddate') order = 'stamp';
  else if (orderName && orderName.toLowerCase() !== ido.keyField.toLowerCase()) {
    return { error: `orderby "${orderText}" is not supported by the sandbox; use ${ido.keyField} or RecordDate.` };
  }
  if (direction.toUpperCase() === 'DESC') return { error: 'Descending order is not supported by the sandbox.' };

  const capText = param('recordcap') ?? '-1';
  const cap = Number(capText);
  if (!Number.isInteger(cap) || cap < -1) return { error: `recordcap "${capText}" is not a number.` };
  const limit = cap === -1 ? 200 : cap === 0 ? maxRows : cap;

  const loadType = (param('loadtype') ?? 'FIRST').toUpperCase();
  if (loadType === 'PREV' || loadType === 'LAST')
    return { error: `loadtype ${loadType} is not supported by the sandbox.` };
  if (loadType !== 'FIRST' && loadType !== 'NEXT') return { error: `loadtype "${loadType}" is not valid.` };
  let after: Position | undefined;
  if (loadType === 'NEXT' && param('bookmark')) {
    after = positionFrom(param('bookmark') ?? '', ido);
    if (!after) return { error: 'The bookmark is not valid for this query.' };
  }

  const scanned = collect(data, ido, { conditions: conditions ?? [], order, after });
  const rows = conditions
    ? scanned
    : (function* () {
        for (const item of scanned) if (holdsFor(ido, item.row, tree)) yield item;
      })();
  const { page, more } = takePage(rows, limit);
  if (cap === 0 && more) return { error: `The query returns more than ${maxRows} rows; use recordcap and bookmarks.` };
  const readOnly = param('readonly') === 'true';
  const items = page.map(({ row }) => {
    const item: Row = {};
    for (const name of properties) item[name] = row[name] ?? null;
    if (!readOnly) item._ItemId = itemId(ido, row);
    return item;
  });
  return {
    Items: items,
    Bookmark: bookmark(
      ido,
      order,
      page.map(({ row }) => row),
    ),
    MoreRowsExist: more,
    Success: true,
    Message: null,
  };
}

/**
 * A date literal as SQL Server reads it into `datetime` under the session's DATEFORMAT
 * (learn.microsoft.com, "Using Date and Time Data"): `yyyyMMdd[ hh:mm[:ss[.fff]]]` and
 * `yyyy-MM-ddThh:mm[:ss[.fff]]` are the same under every setting; `yyyy-MM-dd[ hh:mm…]` is read
 * as year-day-month under `dmy`, so a day above 12 is out of range and a smaller one is another date.
 */
export function sqlDateLiteral(text: string, dateFormat: 'dmy' | 'mdy'): { instant: number } | { error: string } {
  const value = text.trim();
  const neutral = /^(\d{4})(\d{2})(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(value);
  const iso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/.exec(value);
  const separated = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(value);
  const match = neutral ?? iso ?? separated;
  if (!match) return { error: 'Conversion failed when converting date and/or time from character string.' };
  const [, year, first, second, hour, minute, secondOfMinute, fraction] = match;
  const swapped = !neutral && !iso && dateFormat === 'dmy';
  const month = Number(swapped ? second : first);
  const day = Number(swapped ? first : second);
  const instant = Date.UTC(
    Number(year),
    month - 1,
    day,
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(secondOfMinute ?? 0),
    Number((fraction ?? '0').padEnd(3, '0')),
  );
  const check = new Date(instant);
  if (month < 1 || month > 12 || check.getUTCDate() !== day || Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59)
    return {
      error: 'The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.',
    };
  return { instant };
}

/** A filter as SQL reads it: comparisons under AND, OR and parentheses. */
export type FilterTree = { kind: 'cmp'; condition: FieldCondition } | { kind: 'and' | 'or'; parts: FilterTree[] };

/**
 * `Prop op 'value'` (or a number) combined with AND, OR and parentheses, as a SQL WHERE reads
 * them (API-FACTS §1.5); anything else (sub-queries, IN, functions) is an IllegalFilterException.
 */
export function parseFilter(text: string): FilterTree | { error: string } {
  const tokens: Array<{ kind: '(' | ')' | 'and' | 'or' } | { kind: 'cmp'; condition: FieldCondition }> = [];
  const comparison = /\s*(\w+)\s*(>=|<=|<>|!=|=|>|<)\s*(N?'(?:[^']|'')*'|-?\d+(?:\.\d+)?)/iy;
  const word = /\s*(\(|\)|and\b|or\b)/iy;
  const trimmed = text.trim();
  let at = 0;
  while (at < trimmed.length) {
    word.lastIndex = at;
    const keyword = word.exec(trimmed);
    if (keyword) {
      tokens.push({ kind: (keyword[1] ?? '').toLowerCase() as '(' | ')' | 'and' | 'or' });
      at = word.lastIndex;
      continue;
    }
    comparison.lastIndex = at;
    const match = comparison.exec(trimmed);
    if (!match) return { error: `IllegalFilterException: cannot read the filter at "${trimmed.slice(at)}".` };
    const [, field = '', op = '', raw = ''] = match;
    const quoted = raw.replace(/^N/, '');
    const value = quoted.startsWith("'") ? quoted.slice(1, -1).replace(/''/g, "'") : quoted;
    tokens.push({ kind: 'cmp', condition: { field, op: (op === '!=' ? '<>' : op) as FieldCondition['op'], value } });
    at = comparison.lastIndex;
    while (trimmed[at] === ' ') at += 1;
  }
  if (tokens.length === 0) return { kind: 'and', parts: [] };
  let position = 0;
  const illegal = () => ({ error: `IllegalFilterException: the filter "${trimmed}" is not a valid expression.` });
  const primary = (): FilterTree | undefined => {
    const token = tokens[position];
    if (token?.kind === 'cmp') {
      position += 1;
      return { kind: 'cmp', condition: token.condition };
    }
    if (token?.kind !== '(') return undefined;
    position += 1;
    const inner = either();
    if (!inner || tokens[position]?.kind !== ')') return undefined;
    position += 1;
    return inner;
  };
  const chain = (kind: 'and' | 'or', next: () => FilterTree | undefined): FilterTree | undefined => {
    const first = next();
    if (!first) return undefined;
    const parts = [first];
    while (tokens[position]?.kind === kind) {
      position += 1;
      const part = next();
      if (!part) return undefined;
      parts.push(part);
    }
    return parts.length === 1 ? first : { kind, parts };
  };
  const both = () => chain('and', primary);
  const either = (): FilterTree | undefined => chain('or', both);
  const tree = either();
  return tree && position === tokens.length ? tree : illegal();
}

/** The comparisons of a filter that is only ANDs (the dataset scan can narrow by them); undefined otherwise. */
export function conjunction(tree: FilterTree): FieldCondition[] | undefined {
  if (tree.kind === 'cmp') return [tree.condition];
  if (tree.kind === 'or') return undefined;
  const out: FieldCondition[] = [];
  for (const part of tree.parts) {
    const inner = conjunction(part);
    if (!inner) return undefined;
    out.push(...inner);
  }
  return out;
}

function leaves(tree: FilterTree): FieldCondition[] {
  return tree.kind === 'cmp' ? [tree.condition] : tree.parts.flatMap(leaves);
}

function mapLeaves(tree: FilterTree, change: (condition: FieldCondition) => FieldCondition): FilterTree {
  return tree.kind === 'cmp'
    ? { kind: 'cmp', condition: change(tree.condition) }
    : { kind: tree.kind, parts: tree.parts.map((part) => mapLeaves(part, change)) };
}

function holdsFor(spec: Ido, row: Row, tree: FilterTree): boolean {
  if (tree.kind === 'cmp') return test(spec, row, tree.condition);
  return tree.kind === 'and'
    ? tree.parts.every((part) => holdsFor(spec, row, part))
    : tree.parts.some((part) => holdsFor(spec, row, part));
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (value: string) => value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function bookmarkProperties(ido: Ido, order: 'key' | 'stamp'): string[] {
  const keys = ido.lineField ? [ido.keyField, ido.lineField] : [ido.keyField];
  return order === 'stamp' ? ['RecordDate', ...keys] : keys;
}

/** `<B><P><p>…</p></P><D><f>false</f></D><F><v>first</v></F><L><v>last</v></L></B>`, as Mongoose writes it. */
function bookmark(ido: Ido, order: 'key' | 'stamp', rows: Row[]): string | null {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) return null;
  const names = bookmarkProperties(ido, order);
  const values = (row: Row) => names.map((name) => `<v>${escapeXml(String(row[name] ?? ''))}</v>`).join('');
  return `<B><P>${names.map((name) => `<p>${name}</p>`).join('')}</P><D>${names.map(() => '<f>false</f>').join('')}</D><F>${values(first)}</F><L>${values(last)}</L></B>`;
}

function positionFrom(text: string, ido: Ido): Position | undefined {
  const names = [...text.matchAll(/<p>(.*?)<\/p>/g)].map((match) => unescapeXml(match[1] ?? ''));
  const last = /<L>(.*?)<\/L>/.exec(text)?.[1];
  if (!last || names.length === 0) return undefined;
  const values = [...last.matchAll(/<v>(.*?)<\/v>/g)].map((match) => unescapeXml(match[1] ?? ''));
  const get = (name: string) => values[names.findIndex((candidate) => candidate.toLowerCase() === name.toLowerCase())];
  const key = get(ido.keyField);
  if (key === undefined) return undefined;
  const stampText = get('RecordDate');
  const stamp = stampText === undefined ? -Infinity : parseStamp(stampText);
  if (stamp === undefined) return undefined;
  return { key, line: ido.lineField ? Number(get(ido.lineField) ?? 0) : 0, stamp };
}
