import { field, type EntityField, type EntitySchema, type FieldType } from '../../../../shared/domain/entity-schema';
import { AppError } from '../../../../shared/errors';
import type { HookContext } from '../framework/hooks';
import { idoCheck, idoHeaders, idoUrl } from './csi-reader';
import { fsmUrl } from './fsm-reader';
import { lnUrl } from './ln-reader';
import { m3Execute } from './m3-api';
import { exportColumns, m3ValueKind } from './m3-export';
import { m3CreateRequired, m3WriteEntities } from './m3-write-entities';
import { applyPurchaseLineRequired, applyPurchaseRequired } from './m3-purchase-write';
import { entityLabel, type CsiSource, type FsmSource, type LnSource, type M3Source } from './infor-sources';

type Discovered = Omit<EntitySchema, 'hash' | 'fetchedAt'>;
const strip = (column: string) => (/^[A-Z0-9]{2}[A-Z0-9]{4}$/.test(column) ? column.slice(2) : column);

/**
 * M3: exactly the columns the read returns (`EXPORTMI/LstFields` of the entity's table, or the
 * source's chosen columns), prefix stripped, with M3's type, length and decimals; lines likewise.
 */
export async function m3Schema(context: HookContext, entity: string, source: M3Source): Promise<Discovered> {
  const fields =
    source.mode === 'list' && source.list
      ? await listFields(context, source.list.program, source.list.transaction)
      : await tableFields(
          context,
          source.table,
          // Chosen columns come back with the keys and the stamp and change date the read always asks for.
          source.columns.length > 0
            ? [...source.columns, ...[source.stamp, source.changeDate].filter((name): name is string => Boolean(name))]
            : [],
          [...source.keys],
        );
  const keyFields = source.mode === 'list' && source.list ? [source.list.key] : source.keys.map(strip);
  for (const f of fields) if (keyFields.includes(f.name)) f.required = { onCreate: true, onUpdate: true };
  // Built-in entities M3 can write: what its Add needs (m3-write.ts); picked entities stay read-only.
  if (source.table === m3WriteEntities[entity as keyof typeof m3WriteEntities]?.table) {
    const needed = m3CreateRequired[entity] ?? [];
    for (const f of fields) if (needed.includes(f.name)) f.required = { onCreate: true, onUpdate: false };
  }
  // Purchase orders are written with their lines (m3-purchase-write.ts): PUNO is M3's own number.
  const writesLines = entity === 'purchaseOrders' && source.table === 'MPHEAD' && !source.list;
  if (writesLines) applyPurchaseRequired(fields);
  if (source.lines) {
    // Each line's own fields, so mappings can loop over them (quantity, price … per line).
    const children = await tableFields(context, source.lines.table, source.lines.columns, [...source.lines.keys]);
    if (writesLines) applyPurchaseLineRequired(children);
    fields.push(field('lines', 'array', { label: 'Lines', readOnly: !writesLines, children }));
  }
  return { system: 'infor', entity, label: entityLabel(entity, source), keyFields, fields };
}

/** List mode: the transaction's outputs (`MRS001MI/LstFields … TRTP=O`; TYPE is A or N only). */
async function listFields(context: HookContext, program: string, transaction: string): Promise<EntityField[]> {
  const result = await m3Execute(
    context,
    'MRS001MI',
    'LstFields',
    { MINM: program, TRNM: transaction, TRTP: 'O' },
    { maxrecs: 0 },
  );
  return result.records.map((row) => {
    const name = (row.FLNM ?? '').trim();
    const nativeType = (row.TYPE ?? '').trim();
    const length = Number((row.LENG ?? '').trim());
    const kind = m3ValueKind({ name, type: nativeType === 'N' ? 'N' : 'A', length });
    const type: FieldType = kind === 'date' ? 'date' : kind === 'number' ? 'number' : 'string';
    return field(name, type, {
      label: (row.FLDS ?? '').trim() || name,
      nativeType: `${nativeType}${Number.isInteger(length) && length > 0 ? length : ''}`,
      maxLength: type === 'string' && Number.isInteger(length) && length > 0 ? length : undefined,
      description: `${program}/${transaction}.${name}`,
    });
  });
}

async function tableFields(
  context: HookContext,
  table: string,
  chosen: string[],
  keys: string[],
): Promise<EntityField[]> {
  const all = await exportColumns(context, table);
  const wanted = chosen.length > 0 ? new Set([...keys, ...chosen]) : undefined;
  return all
    .filter((column) => !wanted || wanted.has(column.name))
    .map((column) => {
      const name = strip(column.name);
      const kind = m3ValueKind(column);
      const type: FieldType = kind === 'date' ? 'date' : kind === 'number' ? 'number' : 'string';
      return field(name, type, {
        label: column.description || name,
        nativeType: `${column.type}${column.length}${column.decimals > 0 ? `,${column.decimals}` : ''}`,
        maxLength: type === 'string' && column.length > 0 ? column.length : undefined,
        description: `${table}.${column.name}`,
      });
    });
}

interface IdoProperty {
  Name: string;
  DataType?: string;
  ClrTypeName?: string;
  Length?: number;
  ReadOnly?: boolean;
  Required?: boolean;
  LabelStringID?: string;
  DomainIDOName?: string;
}

/** CSI: `GET ido/info/{IDO}` → Keys and Properties. */
export async function csiSchema(context: HookContext, entity: string, source: CsiSource): Promise<Discovered> {
  const response = await context.http.request({
    url: idoUrl(context, `info/${encodeURIComponent(source.ido)}`),
    headers: await idoHeaders(context),
    expect: 'json',
  });
  const schema = csiSchemaFrom(entity, response.data, source);
  if (source.lines) {
    // The read nests each head's lines (csi-reader.ts): the schema shows them, as M3's does.
    const lines = await context.http.request({
      url: idoUrl(context, `info/${encodeURIComponent(source.lines.ido)}`),
      headers: await idoHeaders(context),
      expect: 'json',
    });
    const children = csiSchemaFrom(`${entity} lines`, lines.data).fields;
    schema.fields.push(field('lines', 'array', { label: 'Lines', readOnly: true, children }));
  }
  return schema;
}

export function csiSchemaFrom(entity: string, body: unknown, source?: { label?: string }): Discovered {
  idoCheck(body, `info ${entity}`);
  const b = (body ?? {}) as { Keys?: string[]; Properties?: IdoProperty[] };
  if (!Array.isArray(b.Properties)) throw new AppError('E_REMOTE', `CSI info for ${entity} has no Properties.`);
  const fields = b.Properties.filter((p) => !p.Name.startsWith('_')).map((p) => {
    const kind = `${p.DataType ?? ''} ${p.ClrTypeName ?? ''}`.toLowerCase();
    const type: FieldType = /date/.test(kind)
      ? 'datetime'
      : /int|long|short/.test(kind)
        ? 'integer'
        : /decimal|double|float|numeric/.test(kind)
          ? 'number'
          : /bool/.test(kind)
            ? 'boolean'
            : 'string';
    return field(p.Name, p.DomainIDOName ? 'reference' : type, {
      label: p.Name,
      nativeType: p.DataType,
      readOnly: Boolean(p.ReadOnly),
      required: { onCreate: Boolean(p.Required), onUpdate: false },
      maxLength: type === 'string' && typeof p.Length === 'number' && p.Length > 0 ? p.Length : undefined,
      referenceTo: p.DomainIDOName || undefined,
      externalId: (b.Keys ?? []).includes(p.Name),
    });
  });
  return {
    system: 'infor',
    entity,
    label: entityLabel(entity, source),
    keyFields: b.Keys ?? [],
    fields,
  };
}

/** LN: the entity type behind the set in `{service}/$metadata` (CSDL). */
export async function lnSchema(context: HookContext, entity: string, source: LnSource): Promise<Discovered> {
  const response = await context.http.request({
    url: lnUrl(context, source.service, '$metadata'),
    headers: { accept: 'application/xml' },
  });
  if (response.status >= 400)
    throw new AppError('E_REMOTE', `LN $metadata of ${source.service} answered HTTP ${response.status}.`);
  const schema = lnSchemaFrom(entity, source.set, response.text, source);
  if (source.lines) {
    // The read nests each order's lines (ln-reader.ts): the schema shows them, from the same $metadata.
    const children = lnSchemaFrom(`${entity} lines`, source.lines.set, response.text).fields;
    schema.fields.push(field('lines', 'array', { label: 'Lines', readOnly: true, children }));
  }
  return schema;
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

export function lnSchemaFrom(entity: string, set: string, xml: string, source?: { label?: string }): Discovered {
  const setTag = [...xml.matchAll(/<EntitySet\b[^>]*>/g)].map((m) => m[0]).find((tag) => attr(tag, 'Name') === set);
  const typeName = setTag ? attr(setTag, 'EntityType')?.split('.').pop() : undefined;
  const typeBlock = [...xml.matchAll(/<EntityType\b[^>]*>[\s\S]*?<\/EntityType>/g)]
    .map((m) => m[0])
    .find((block) => attr(block, 'Name') === typeName);
  if (!typeBlock) throw new AppError('E_REMOTE', `LN $metadata has no entity type for the set ${set}.`);
  const keys = [...typeBlock.matchAll(/<PropertyRef\b[^>]*>/g)].map((m) => attr(m[0], 'Name') ?? '');
  // Status fields are EnumTypes (API-FACTS §10): their members are the values a mapping may use, sent by name.
  const enums = new Map(
    [...xml.matchAll(/<EnumType\b[^>]*>[\s\S]*?<\/EnumType>/g)].map((m) => [
      attr(m[0], 'Name') ?? '',
      [...m[0].matchAll(/<Member\b[^>]*>/g)].map((member) => attr(member[0], 'Name') ?? ''),
    ]),
  );
  const fields = [...typeBlock.matchAll(/<Property\b[^>]*>/g)].map((m) => {
    const tag = m[0];
    const name = attr(tag, 'Name') ?? '';
    const edm = attr(tag, 'Type') ?? 'Edm.String';
    const maxLength = Number(attr(tag, 'MaxLength'));
    const type: FieldType =
      edm === 'Edm.String'
        ? 'string'
        : edm === 'Edm.Date'
          ? 'date'
          : edm === 'Edm.DateTimeOffset'
            ? 'datetime'
            : edm === 'Edm.Boolean'
              ? 'boolean'
              : /Edm\.(Int|Byte|SByte)/.test(edm)
                ? 'integer'
                : /Edm\.(Decimal|Double|Single)/.test(edm)
                  ? 'number'
                  : edm.startsWith('Edm.')
                    ? 'string'
                    : 'picklist';
    const nullable = attr(tag, 'Nullable') !== 'false';
    const members = type === 'picklist' ? enums.get(edm.split('.').pop() ?? '') : undefined;
    return field(name, type, {
      nativeType: edm,
      picklist: members?.map((member) => ({ value: member, label: member, active: true })),
      maxLength: Number.isInteger(maxLength) && maxLength > 0 ? maxLength : undefined,
      required: { onCreate: !nullable, onUpdate: false },
      externalId: keys.includes(name),
    });
  });
  return {
    system: 'infor',
    entity,
    label: entityLabel(entity, source),
    keyFields: keys,
    fields,
  };
}

/** Records sampled to find an FSM class's fields. */
export const fsmSampleSize = 20;

/**
 * FSM: no public source documents a fields listing (API-FACTS §10), so the fields are the ones
 * a sample of records carries (`_fields=_all`, as public FSM clients discover them). Landmark
 * sends every value as text; the sample cannot tell a code from a number, so fields are text,
 * except the source's stamp (a `YYYYMMDDHHMMSSFF` instant).
 */
export async function fsmSchema(context: HookContext, entity: string, source: FsmSource): Promise<Discovered> {
  const url = `${fsmUrl(context, `classes/${encodeURIComponent(source.className)}/lists/_generic`)}?_fields=_all&_limit=${fsmSampleSize}&_out=JSON`;
  const response = await context.http.request({ url, expect: 'json', passStatuses: [400, 404] });
  if (response.status >= 400)
    throw new AppError(
      'E_REMOTE',
      `FSM list of ${source.className} answered HTTP ${response.status} while sampling its fields.`,
      {
        system: 'fsm',
        status: response.status,
      },
    );
  return fsmSchemaFrom(entity, source, response.data);
}

export function fsmSchemaFrom(
  entity: string,
  source: Pick<FsmSource, 'className' | 'keys' | 'stamp' | 'fields' | 'label'>,
  body: unknown,
): Discovered {
  const rows = (Array.isArray(body) ? (body as Array<{ _fields?: unknown }>) : [])
    .map((item) => item._fields)
    .filter((fields): fields is Record<string, unknown> => Boolean(fields) && typeof fields === 'object');
  const names: string[] = [];
  for (const row of rows) for (const name of Object.keys(row)) if (!names.includes(name)) names.push(name);
  // A configured field list is what the read asks for: the schema shows exactly that.
  const shown = source.fields.length > 0 ? source.fields : names;
  if (shown.length === 0)
    throw new AppError(
      'E_REMOTE',
      `FSM ${source.className} has no records to learn its fields from; list them in entitySources.${entity}.fields.`,
      { system: 'fsm', className: source.className },
    );
  const fields = shown.map((name) =>
    field(name, name === source.stamp ? 'datetime' : 'string', {
      nativeType: name === source.stamp ? 'TimeStamp' : 'sampled',
      description: `Found in ${rows.length} sampled ${source.className} records`,
      required: { onCreate: source.keys.includes(name), onUpdate: false },
      externalId: source.keys.includes(name),
    }),
  );
  return {
    system: 'infor',
    entity,
    label: entityLabel(entity, source),
    keyFields: source.keys,
    fields,
  };
}
