import type { SandboxServer, SimulatorContext } from '../../kit';
import { collect, takePage, type FieldCondition, type Position, type Row } from '../data/collection';
import type { InforData } from '../data/records';
import type { LinesBehaviour } from '../behaviour-lines';
import { parseStamp } from '../formats';
import { fsmClasses, fsmPartyRows, type FsmClass } from './fsm-classes';
import { registerFsmWriteRoutes } from './fsm-write';

/**
 * FSM Landmark lists: `…/soap/classes/{Class}/lists/_generic?_fields=&_limit=&_links=true&_pageNav=true&_out=JSON`
 * answer an array — first a header `{_count, _links}`, then `{_fields}` per record — and a
 * `next` link until the end. `_fts`/`_tts` bound the change stamp; `_filter=f::v|f2::v2` filters
 * by equality. `_count` is the number of matching records (all pages). There is no fields
 * listing (`classes/{C}/fields` is in no public source): clients sample `_fields=_all` records.
 */
type Gateway = (
  handler: (context: SimulatorContext) => Promise<void> | void,
) => (context: SimulatorContext) => Promise<void>;

const defaultLimit = 100;

export function registerFsmRoutes(
  server: SandboxServer,
  tenant: string,
  data: InforData,
  gateway: Gateway,
  behaviour: () => LinesBehaviour,
): void {
  const base = `/${tenant}/FSM/fsm/soap/classes`;
  const find = (context: SimulatorContext) => fsmClasses.find((candidate) => candidate.name === context.params.class);
  const notFound = (context: SimulatorContext) =>
    context.json(404, { _error: `Business class ${context.params.class} does not exist` });

  registerFsmWriteRoutes(server, tenant, data, gateway, behaviour);
  server.route({
    method: 'GET',
    pattern: base,
    name: 'FSM classes',
    handler: gateway((context) =>
      !behaviour().fsmClassList
        ? context.json(404, { _error: 'Resource classes not found' })
        : context.json(200, [
            { _count: fsmClasses.length, _links: [{ rel: 'self', href: `${server.url}${base}?_links=true` }] },
            ...fsmClasses.map((item) => ({
              _fields: { BusinessClass: item.name, Description: item.description },
              _links: [{ rel: 'list', href: `${server.url}${base}/${item.name}/lists/_generic` }],
            })),
          ]),
    ),
  });
  server.route({
    method: 'GET',
    pattern: `${base}/:class/lists/_generic`,
    name: 'FSM list',
    handler: gateway((context) => {
      const item = find(context);
      if (!item) return notFound(context);
      const result = list(data, item, context.query, behaviour().fsmMaxLimit);
      if ('error' in result) return context.json(400, { _error: result.error });
      const links: Array<{ rel: string; href: string }> = [];
      const self = `${server.url}${base}/${item.name}/lists/_generic`;
      if (context.query.get('_links') === 'true') {
        links.push({ rel: 'self', href: `${self}?${context.query.toString()}` });
        if (result.next) {
          const query = new URLSearchParams(context.query);
          query.set('_paging', 'NEXT');
          query.set('_position', result.next);
          links.push({ rel: 'next', href: `${self}?${query.toString()}` });
        }
      }
      context.json(200, [{ _count: result.count, _links: links }, ...result.rows.map((row) => ({ _fields: row }))]);
    }),
  });
}

function list(data: InforData, item: FsmClass, query: URLSearchParams, maxLimit: number) {
  const names = (query.get('_fields') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const fields = names.length === 0 || names.includes('_all') ? item.fields.map((field) => field.name) : names;
  const unknown = fields.find((name) => !item.fields.some((field) => field.name === name));
  if (unknown) return { error: `Field ${unknown} does not exist on ${item.name}` };
  const limit = query.has('_limit') ? Number(query.get('_limit')) : defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)
    return { error: `_limit must be between 1 and ${maxLimit}` };

  const conditions: FieldCondition[] = [];
  for (const part of (query.get('_filter') ?? '').split('|').filter(Boolean)) {
    const [field = '', value = ''] = part.split('::');
    if (!item.fields.some((candidate) => candidate.name === field))
      return { error: `Filter field ${field} does not exist on ${item.name}` };
    conditions.push({ field, op: '=', value });
  }
  for (const [param, op] of [
    ['_fts', '>='],
    ['_tts', '<='],
  ] as const) {
    const value = query.get(param);
    if (!value) continue;
    if (!/^\d{16}$/.test(value) || parseStamp(value.slice(0, 14)) === undefined)
      return { error: `${param} must be a UTC stamp YYYYMMDDHHMMSSFF` };
    conditions.push({ field: 'UpdateStamp', op, value: `${value.slice(0, 14)}${value.slice(14)}0` });
  }

  let after: Position | undefined;
  const position = query.get('_paging') === 'NEXT' ? query.get('_position') : null;
  if (position) {
    try {
      const parsed = JSON.parse(Buffer.from(position, 'base64url').toString('utf8')) as { k: string; l?: number };
      after = { key: parsed.k, line: parsed.l ?? 0, stamp: 0 };
    } catch {
      return { error: '_position is not valid' };
    }
  }
  const { page, more } = takePage(collect(data, item, { conditions, after }), limit);
  const last = page[page.length - 1];
  const next =
    more && last
      ? Buffer.from(JSON.stringify({ k: last.position.key, l: last.position.line })).toString('base64url')
      : undefined;
  const records = data.datasets[item.entity].count;
  const count =
    conditions.length > 0
      ? countAll(collect(data, item, { conditions }))
      : item.lineField
        ? fsmPartyRows(records)
        : records;
  const rows = page.map(({ row }) => {
    const out: Row = {};
    for (const name of fields) out[name] = row[name] ?? '';
    return out;
  });
  return { rows, next, count };
}

function countAll(items: Iterator<unknown>): number {
  let count = 0;
  while (!items.next().done) count += 1;
  return count;
}
