import type { SandboxServer, SimulatorContext } from '../../kit';
import { collect, takePage, type FieldCondition, type Position, type Row } from '../data/collection';
import type { InforData } from '../data/records';
import { lnSets, metadataXml, type LnNavigation, type LnSet } from './ln-sets';

/**
 * LN OData v4 under `/{tenant}/LN/lnapi/odata/{service}/{EntitySet}`: server-driven paging
 * with `@odata.nextLink` (opaque `$skiptoken`), `@odata.etag` per entity, `$filter` (eq ne
 * ge gt le lt joined by and), `$select`, `$expand` (two levels), `$orderby` on the key,
 * `$top`, `$count`, and the `X-Infor-LnCompany` header (default company 100).
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
): void {
  const base = `/${tenant}/LN/lnapi/odata`;
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

  server.route({
    method: 'GET',
    pattern: `${base}/:service/$metadata`,
    name: 'LN $metadata',
    handler: gateway((context) => {
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
      if (!companyOk(context)) return;
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
      const result = read(data, set, context.query, options.pageSize, context.header('prefer'));
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

function read(data: InforData, set: LnSet, query: URLSearchParams, pageSize: number, prefer: string | undefined) {
  const filter = parseFilter(query.get('$filter') ?? '');
  if ('error' in filter) return filter;
  const orderBy = (query.get('$orderby') ?? '').trim();
  if (orderBy && !new RegExp(`^${set.keyField}(\\s+asc)?$`, 'i').test(orderBy))
    return { error: `$orderby is supported on ${set.keyField} only in the sandbox.` };
  const top = query.has('$top') ? Number(query.get('$top')) : undefined;
  if (top !== undefined && !(Number.isInteger(top) && top >= 0))
    return { error: '$top must be a non-negative integer.' };
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
  const size = Math.min(
    pageSize,
    preferred ? Number(preferred) : Infinity,
    top === undefined ? Infinity : Math.max(0, top - served),
  );
  const { page, more } = takePage(collect(data, set, { conditions: filter, after }), size);
  const hasMore = more && (top === undefined || served + page.length < top);
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
  const pattern = /\s*(\w+)\s+(eq|ne|ge|gt|le|lt)\s+('(?:[^']|'')*'|[\w.:+-]+)\s*(?:and\s+|$)/iy;
  const trimmed = text.trim();
  while (pattern.lastIndex < trimmed.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(trimmed);
    if (!match || pattern.lastIndex === start)
      return {
        error: `The $filter cannot be read at "${trimmed.slice(start)}" (the sandbox supports: Property op value [and …]).`,
      };
    const [, field = '', op = '', raw = ''] = match;
    const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
    conditions.push({ field, op: operators[op.toLowerCase()] as FieldCondition['op'], value });
  }
  return conditions;
}
