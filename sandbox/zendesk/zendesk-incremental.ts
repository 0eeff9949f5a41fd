import type { SandboxServer, SimulatorContext } from '../kit';
import type { ZdKind, ZdRecord } from './zendesk-store';
import type { ZendeskState } from './zendesk-state';

/**
 * Zendesk incremental exports (developer.zendesk.com "Incremental Exports" and "Using the
 * Incremental Export API"; organizations and users OpenAPI fragments in fixtures/zendesk):
 * - time-based `GET /incremental/organizations?start_time={unix s}`: items changed at or after
 *   `start_time`, oldest first, a page of up to 1,000 with `end_time` (the last item's time),
 *   `next_page` (`start_time=end_time`, so items at that second come again: duplicates at page
 *   edges), `count` and `end_of_stream`; a page whose last second goes on is extended to it;
 * - cursor-based `GET /incremental/{users|tickets}/cursor?start_time=` then `?cursor=`:
 *   `after_cursor`, `after_url`, `before_cursor`, `end_of_stream`; `per_page` ≤ 1,000;
 * - items changed within the last minute are excluded, and a `start_time` that recent (or in the
 *   future) is refused: 422 `{"error":"InvalidValue","description":"Too recent start_time. Use a
 *   start_time older than 1 minute"}` (the wording public clients match; older clients quote
 *   5 minutes: the floor is the `startTimeFloorSeconds` setting);
 * - 10 requests a minute to these endpoints (429 with Retry-After, `incrementalPerMinute`).
 * Deleted items stay in the exports: organizations with `deleted_at`, users `active: false`,
 * tickets `status: "deleted"`. The refusal of an unknown cursor is not documented (unconfirmed):
 * 422 InvalidValue "Invalid cursor" here.
 */
export interface IncrementalSettings {
  /** Items per page of a time-based export, and of a cursor-based one without `per_page` (Zendesk: 1,000; tests shrink it). */
  incrementalPageSize: number;
  /** How recent a start_time may be (and which changes are not exported yet): 60 s now, 300 s in older sources. */
  startTimeFloorSeconds: number;
  /** Requests per minute to the incremental endpoints; null = none. */
  incrementalPerMinute: number | null;
}

const seconds = (record: ZdRecord) => Math.floor(Date.parse(String(record.updated_at)) / 1000);
const position = (record: ZdRecord) => `${Date.parse(String(record.updated_at))}|${String(record.id)}`;
const encode = (text: string) => Buffer.from(text).toString('base64url');
const decode = (cursor: string): [number, number] | undefined => {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|').map(Number);
  return at !== undefined && id !== undefined && Number.isFinite(at) && Number.isFinite(id) ? [at, id] : undefined;
};

export function registerIncrementalRoutes(
  server: SandboxServer,
  state: ZendeskState,
  settings: IncrementalSettings,
  guarded: (handler: (context: SimulatorContext) => void) => (context: SimulatorContext) => Promise<void>,
  baseUrl: () => string,
): void {
  let minute = { start: 0, used: 0 };
  const overLimit = (context: SimulatorContext): boolean => {
    const limit = settings.incrementalPerMinute;
    if (limit === null) return false;
    const now = state.now();
    const start = now - (now % 60_000);
    if (start !== minute.start) minute = { start, used: 0 };
    minute.used += 1;
    if (minute.used <= limit) return false;
    context.text(429, 'Number of allowed incremental export API requests per minute exceeded', 'text/plain', {
      'retry-after': String(Math.max(1, Math.ceil((start + 60_000 - now) / 1000))),
    });
    return true;
  };
  /** Exported items of a kind: changed before the last minute, oldest first (ties by id). */
  const exported = (kind: ZdKind) => {
    const horizon = state.now() - settings.startTimeFloorSeconds * 1000;
    return [...state.records[kind].values()]
      .filter((record) => Date.parse(String(record.updated_at)) < horizon)
      .sort(
        (a, b) => Date.parse(String(a.updated_at)) - Date.parse(String(b.updated_at)) || Number(a.id) - Number(b.id),
      );
  };
  /** The start_time checks; undefined when the answer was sent. */
  const startTime = (context: SimulatorContext): number | undefined => {
    const text = context.query.get('start_time');
    const value = Number(text);
    if (text === null || text === '' || !Number.isInteger(value) || value < 0) {
      context.json(400, {
        error: 'InvalidValue',
        description: 'start_time is required and must be a Unix epoch time in seconds',
      });
      return undefined;
    }
    if (value * 1000 > state.now() - settings.startTimeFloorSeconds * 1000) {
      const floor = settings.startTimeFloorSeconds;
      context.json(422, {
        error: 'InvalidValue',
        description: `Too recent start_time. Use a start_time older than ${floor % 60 === 0 ? `${floor / 60} minute${floor === 60 ? '' : 's'}` : `${floor} seconds`}`,
      });
      return undefined;
    }
    return value;
  };
  const route = (path: string, name: string, handler: (context: SimulatorContext) => void) => {
    for (const pattern of [`/api/v2${path}`, `/api/v2${path}.json`])
      server.route({
        method: 'GET',
        pattern,
        name,
        handler: guarded((context) => (overLimit(context) ? undefined : handler(context))),
      });
  };

  route('/incremental/organizations', 'Zendesk incremental organizations', (context) => {
    const start = startTime(context);
    if (start === undefined) return;
    const items = exported('organizations').filter((record) => seconds(record) >= start);
    let page = items.slice(0, settings.incrementalPageSize);
    const more = items.length > page.length;
    if (more) {
      // A page never ends inside a second: the next page starts at end_time, which must move on.
      const last = seconds(page[page.length - 1]!);
      page = items.filter((record, index) => index < page.length || seconds(record) === last);
    }
    const endTime = page.length > 0 ? seconds(page[page.length - 1]!) : start;
    context.json(200, {
      organizations: page,
      count: page.length,
      end_time: endTime,
      end_of_stream: !more,
      next_page: `${baseUrl()}/api/v2/incremental/organizations.json?start_time=${endTime}`,
    });
  });

  for (const kind of ['users', 'tickets'] as const) {
    route(`/incremental/${kind}/cursor`, `Zendesk incremental ${kind} (cursor)`, (context) => {
      const perPage = Number(context.query.get('per_page') ?? settings.incrementalPageSize);
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 1000)
        return context.json(400, { error: 'InvalidValue', description: 'per_page must be between 1 and 1000' });
      const cursorText = context.query.get('cursor');
      let after: [number, number];
      if (cursorText) {
        const decoded = decode(cursorText);
        if (!decoded) return context.json(422, { error: 'InvalidValue', description: 'Invalid cursor' });
        after = decoded;
      } else {
        const start = startTime(context);
        if (start === undefined) return;
        after = [start * 1000 - 1, Number.MAX_SAFE_INTEGER];
      }
      const items = exported(kind).filter((record) => {
        const at = Date.parse(String(record.updated_at));
        return at > after[0] || (at === after[0] && Number(record.id) > after[1]);
      });
      const page = items.slice(0, perPage);
      const afterCursor = encode(page.length > 0 ? position(page[page.length - 1]!) : `${after[0]}|${after[1]}`);
      context.json(200, {
        [kind]: page,
        after_cursor: afterCursor,
        after_url: `${baseUrl()}/api/v2/incremental/${kind}/cursor.json?cursor=${afterCursor}&per_page=${perPage}`,
        before_cursor: null,
        before_url: null,
        end_of_stream: items.length <= perPage,
      });
    });
  }
}
