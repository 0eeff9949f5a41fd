import type { SandboxServer, SimulatorContext } from '../../kit';
import { collect, takePage, type FieldCondition, type Position, type Row } from '../data/collection';
import type { InforData } from '../data/records';
import type { LinesBehaviour } from '../behaviour-lines';
import { lnEnums, lnSets, metadataXml, type LnNavigation, type LnSet } from './ln-sets';
import { lnReadByKey, registerLnWriteRoutes } from './ln-write';

/**
 * LN OData v4 under `/{tenant}/LN/lnapi/odata/{service}/{EntitySet}`: paging per `lnPaging`
 * (default `truncate`: pages of at most the server page size, `$top`/`$skip`, no next link;
 * `nextLink`: `@odata.nextLink` with an opaque `$skiptoken`), `@odata.etag` per entity, `$filter`
 * (eq ne ge gt le lt joined by and; enum literals `ns.Enum'Member'`), `$select`, `$expand` (two
 * levels), `$orderby` on the key (or its leading parts), `$top`, `$skip`, `$count`, and the
 * `X-Infor-LnCompany` header (default company 100). `lnU14Every` makes every Nth call a 401 U14.
 */
type Gateway = (
  handler: (context: SimulatorContext) => Promise<void> | void,
) => (context: SimulatorContext) => Promise<void>;

const operators: Record<string, FieldCondition['op']> = { eq: '=', ne: '<>', ge: '>=', gt: '>', le: '<=', lt: '<' };

export function registerLnRoutes(
  server: SandboxServer,
  tenant: string,
  data: InforData,
  gateway: Gateway,
  options: { pageSize: number },
  behaviour: () => LinesBehaviour,
): void {
  const base = `/${tenant}/LN/lnapi/odata`;
  let calls = 0;
  /** LN's intermittent U14 (plan L3): the gateway let the bearer through, LN's OAuth check fails anyway. */
  const u14 = (context: SimulatorContext) => {
    const every = behaviour().lnU14Every;
    calls += 1;
    if (every === 0 || calls % every !== 0) return false;
    context.json(401, { error: { message: 'OAuth [U14]: unknown oauth_consumer_key' } });
    return true;
  };
  const error = (context: SimulatorContext, status: number, code: string, message: string) =>
    context.json(status, { error: { code, message } });
  const companyOk = (context: SimulatorContext) => {
    const company = context.header('x-infor-lncompany');
    if (company === undefined) return true;
    const number = Number(company);
    if (/^\d{1,4}$/.test(company.trim()) && number >= 0 && number <= 9999) return true;
    error(context, 400, 'InvalidCompany', `X-Infor-LnCompany "${company}" is not a company number (0-9999).`);
    return false;
  };

  registerLnWriteRoutes(server, tenant, data, gateway, behaviour);
  server.route({
    method: 'GET',
    pattern: `${base}/:service/$metadata`,
    name: 'LN $metadata',
    handler: gateway((context) => {
      if (u14(context)) return;
      const body = metadataXml(context.params.service ?? '');
      if (!body)
        return error(context, 404, 'NotFound', `Service ${context.params.service} is not available or not active.`);
      context.text(200, body, 'application/xml; charset=utf-8');
    }),
  });
  server.route({
    method: 'GET',
    pattern: `${base}/:service/:set`,
    name: 'LN OData read',
    handler: gateway((context) => {
      if (u14(context)) return;
      if (!companyOk(context)) return;
      if (lnReadByKey(server, base, data, context)) return;
      const set = lnSets.find(
        (candidate) => candidate.service === context.params.service && candidate.name === context.params.set,
      );
      if (!set) {
        const serviceKnown = lnSets.some((candidate) => candidate.service === context.params.service);
        return error(
          context,
          404,
          'NotFound',
          serviceKnown
            ? `Entity set ${context.params.set} does not exist.`
            : `Service ${context.params.service} is not available or not active.`,
        );
      }
      const result = read(data, set, context.query, options.pageSize, context.header('prefer'), behaviour().lnPaging);
      if ('error' in result) return error(context, 400, 'BadRequest', result.error);
      const { rows, next, count } = result;
      const body: Record<string, unknown> = {
        '@odata.context': `${server.url}${base}/${set.service}/$metadata#${set.name}`,
      };
      if (count !== undefined) body['@odata.count'] = count;
      body.value = rows;
      if (next) {
        const query = new URLSearchParams(context.query);
        query.set('$skiptoken', next);
        body['@odata.nextLink'] = `${server.url}${base}/${set.service}/${set.name}?${query.toString()}`;
      }
      context.json(200, body, { 'odata-version': '4.0' });
    }),
  });
}

interface Expand {
  name: string;
  nested?: Expand;
}

function read(
  data: InforData,
  set: LnSet,
  query: URLSearchParams,
  pageSize: number,
  prefer: string | undefined,
  paging: LinesBehaviour['lnPaging'],
) {
  const filter = parseFilter(query.get('$filter') ?? '');
  if ('error' in filter) return filter;
  const orderBy = (query.get('$orderby') ?? '')
    .split(',')
    .map((part) => part.trim().replace(/\s+asc$/i, ''))
    .filter(Boolean);
  // Rows come in key order, so ordering by the key's leading parts (or all of them) is what the sandbox serves.
  if (orderBy.some((name, index) => name !== set.keys[index]))
    return { error: `$orderby is supported on ${set.keys.join(',')} (or its leading parts) only in the sandbox.` };
  const top = query.has('$top') ? Number(query.get('$top')) : undefined;
  if (top !== undefined && !(Number.isInteger(top) && top >= 0))
    return { error: '$top must be a non-negative integer.' };
  const skip = query.has('$skip') ? Number(query.get('$skip')) : 0;
  if (!(Number.isInteger(skip) && skip >= 0)) return { error: '$skip must be a non-negative integer.' };
  const select = query
    .get('$select')
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = select?.find((name) => !set.properties.some((property) => property.name === name));
  if (unknown) return { error: `Property ${unknown} does not exist on ${set.entityType}.` };
  const expand = parseExpand(query.get('$expand') ?? '', set.navigation);
  if (expand && 'error' in expand) return expand;

  let after: Position | undefined;
  let served = 0;
  const token = query.get('$skiptoken');
  if (token) {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        k: string;
        l: number;
        s: number;
      };
      after = { key: parsed.k, line: parsed.l, stamp: 0 };
      served = parsed.s;
    } catch {
      return { error: 'The $skiptoken is not valid.' };
    }
  }
  const preferred = /odata\.maxpagesize=(\d+)/i.exec(prefer ?? '')?.[1];
  // Truncating servers cut every answer at their page size and ignore the preference (plan U18).
  const size = Math.min(
    pageSize,
    preferred && paging === 'nextLink' ? Number(preferred) : Infinity,
    top === undefined ? Infinity : Math.max(0, top - served),
  );
  const rowsFrom = collect(data, set, { conditions: filter, after });
  // `$skip` counts from the start of the query; a next link's token already stands past the skipped rows.
  for (let skipped = 0; skipped < (token ? 0 : skip) && !rowsFrom.next().done; skipped += 1);
  const { page, more } = takePage(rowsFrom, size);
  const hasMore = paging === 'nextLink' && more && (top === undefined || served + page.length < top);
  const last = page[page.length - 1];
  const next =
    hasMore && last
      ? Buffer.from(JSON.stringify({ k: last.position.key, l: last.position.line, s: served + page.length })).toString(
          'base64url',
        )
      : undefined;
  let count: number | undefined;
  if (query.get('$count') === 'true') {
    count =
      filter.length === 0 && !set.lineField
        ? data.datasets[set.entity].count
        : [...collect(data, set, { conditions: filter })].length;
  }
  const rows = page.map(({ row, position }) => shape(row, set, select, expand ?? undefined, position.stamp));
  return { rows, next, count };
}

function shape(row: Row, set: LnSet, select: string[] | undefined, expand: Expand | undefined, stamp: number): Row {
  const out: Row = { '@odata.etag': `W/"${stamp.toString(36)}"` };
  for (const property of set.properties)
    if (!select || select.includes(property.name)) out[property.name] = row[property.name] ?? null;
  if (expand) out[expand.name] = expandRows(row[expand.name], expand.nested);
  return out;
}

function expandRows(value: unknown, nested: Expand | undefined): Row[] {
  const rows = Array.isArray(value) ? (value as Row[]) : [];
  return rows.map((row) => {
    const copy: Row = {};
    for (const [name, field] of Object.entries(row)) if (!Array.isArray(field)) copy[name] = field;
    if (nested) copy[nested.name] = expandRows(row[nested.name], undefined);
    return copy;
  });
}

function parseExpand(text: string, navigation: LnNavigation | undefined): Expand | { error: string } | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const match = /^(\w+)(?:\(\$expand=(\w+)\))?$/.exec(trimmed);
  if (!match || !navigation || match[1] !== navigation.name)
    return { error: `$expand=${trimmed} is not supported; expand ${navigation?.name ?? 'nothing'} here.` };
  if (match[2] && match[2] !== navigation.nested?.name)
    return { error: `${navigation.name} has no navigation ${match[2]}.` };
  return { name: navigation.name, nested: match[2] ? { name: match[2] } : undefined };
}

function parseFilter(text: string): FieldCondition[] | { error: string } {
  const conditions: FieldCondition[] = [];
  const pattern = /\s*(\w+)\s+(eq|ne|ge|gt|le|lt)\s+((?:[\w.]+)?'(?:[^']|'')*'|[\w.:+-]+)\s*(?:and\s+|$)/iy;
  const trimmed = text.trim();
  while (pattern.lastIndex < trimmed.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(trimmed);
    if (!match || pattern.lastIndex === start)
      return {
        error: `The $filter cannot be read at "${trimmed.slice(start)}" (the sandbox supports: Property op value [and …]).`,
      };
    const [, field = '', op = '', raw = ''] = match;
    // `ns.Enum'Member'` (enum literal, API-FACTS §1.6): the enum must exist and hold the member.
    const enumLiteral = /^([\w.]+)'(.*)'$/.exec(raw);
    if (enumLiteral) {
      const members = lnEnums[(enumLiteral[1] ?? '').split('.').pop() as keyof typeof lnEnums] as
        readonly string[] | undefined;
      if (!members?.includes(enumLiteral[2] ?? ''))
        return { error: `${enumLiteral[1]}'${enumLiteral[2]}' is not a member of an enum type of this service.` };
    }
    const quoted = enumLiteral ? `'${enumLiteral[2]}'` : raw;
    const value = quoted.startsWith("'") ? quoted.slice(1, -1).replace(/''/g, "'") : quoted;
    conditions.push({ field, op: operators[op.toLowerCase()] as FieldCondition['op'], value });
  }
  return conditions;
}
