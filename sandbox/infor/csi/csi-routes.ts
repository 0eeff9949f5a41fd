import type { SandboxServer, SimulatorContext } from '../../kit';
import { collect, takePage, type FieldCondition, type Position, type Row } from '../data/collection';
import type { InforData } from '../data/records';
import { parseStamp } from '../formats';
import { idos, itemId, type Ido } from './csi-idos';

/**
 * Mongoose IDO REST v2 under `/{tenant}/CSI/IDORequestService/ido/`. Every functional error
 * is HTTP 200 with `Success:false` (including a missing `X-Infor-MongooseConfig`), as CSI does.
 */
type Gateway = (
  handler: (context: SimulatorContext) => Promise<void> | void,
) => (context: SimulatorContext) => Promise<void>;

const maxRows = 100_000;

export function configurations(tenant: string): string[] {
  return [`${tenant}_DALS`, `${tenant}_EMEA`];
}

export function registerCsiRoutes(server: SandboxServer, tenant: string, data: InforData, gateway: Gateway): void {
  const base = `/${tenant}/CSI/IDORequestService/ido`;
  const known = configurations(tenant);
  const failure = (context: SimulatorContext, message: string) =>
    context.json(200, { Items: null, Bookmark: null, MoreRowsExist: false, Success: false, Message: message });
  const withConfig = (handler: (context: SimulatorContext, ido: Ido) => void) =>
    gateway((context) => {
      const config = context.header('x-infor-mongooseconfig');
      if (!config)
        return failure(context, 'The X-Infor-MongooseConfig header is required: name the configuration to use.');
      if (!known.includes(config)) return failure(context, `Configuration "${config}" does not exist.`);
      const ido = idos[(context.params.ido ?? '').toLowerCase()];
      if (!ido) return failure(context, `IDO "${context.params.ido}" does not exist or is not licensed.`);
      handler(context, ido);
    });

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
    method: 'GET',
    pattern: `${base}/load/:ido`,
    name: 'CSI load',
    handler: withConfig((context, ido) => {
      const result = load(data, ido, context.query);
      if ('error' in result) return failure(context, String(result.error));
      context.json(200, result);
    }),
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

function load(data: InforData, ido: Ido, query: URLSearchParams) {
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
  const conditions = parseFilter(param('filter') ?? '');
  if ('error' in conditions) return conditions;

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

  const rows = collect(data, ido, { conditions, order, after });
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

/** `Prop op 'value'` (or a number) joined by AND; anything else is an IllegalFilterException. */
export function parseFilter(text: string): FieldCondition[] | { error: string } {
  const conditions: FieldCondition[] = [];
  const pattern = /\s*(\w+)\s*(>=|<=|<>|!=|=|>|<)\s*(N?'(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*(?:and\s+|$)/iy;
  pattern.lastIndex = 0;
  const trimmed = text.trim();
  while (pattern.lastIndex < trimmed.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(trimmed);
    if (!match || pattern.lastIndex === start)
      return { error: `IllegalFilterException: cannot read the filter at "${trimmed.slice(start)}".` };
    const [, field = '', op = '', raw = ''] = match;
    const quoted = raw.replace(/^N/, '');
    const value = quoted.startsWith("'") ? quoted.slice(1, -1).replace(/''/g, "'") : quoted;
    conditions.push({ field, op: (op === '!=' ? '<>' : op) as FieldCondition['op'], value });
  }
  return conditions;
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
