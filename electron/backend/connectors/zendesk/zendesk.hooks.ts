import { AppError } from '../../../../shared/errors';
import type { AccessToken } from '../../http/token-provider';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, LookupHit, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import { walkPages, withQuery } from '../framework/paginator';
import { formatSince } from '../framework/since';
import type { TargetHooks, HookContext } from '../framework/hooks';
import { zendeskEntities, zendeskSingular, type ZendeskEntity } from './zendesk.descriptor';
import { zendeskSchema, type ZendeskFieldDefinition } from './zendesk.schema';
import { ticketFromWire, zendeskBase, zendeskError, zendeskGet } from './zendesk-http';
import { writeOrganizations } from './zendesk-organizations';
import { writeTicket, writeUsers, type UserWriteMemory } from './zendesk-write';

function entityOf(entity: string): ZendeskEntity {
  if ((zendeskEntities as string[]).includes(entity)) return entity as ZendeskEntity;
  throw new AppError('E_NOT_FOUND', `Zendesk has no entity "${entity}".`);
}

const iso = (value: unknown) =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : '';

/** `links.next` while `meta.has_more`; offset pages (`next_page`) where an endpoint has no cursor. */
function nextPage(body: unknown): string | undefined {
  const page = body as { meta?: { has_more?: boolean }; links?: { next?: string | null }; next_page?: string | null };
  return (page.meta ? (page.meta.has_more ? page.links?.next : undefined) : page.next_page) ?? undefined;
}

/** A Zendesk error answer in Zendesk's own words. */
function readError(response: HttpResponse): AppError | undefined {
  if (response.status < 400) return undefined;
  const error = zendeskError({ status: response.status, data: response.data, text: response.text });
  const code = response.status === 404 ? 'E_NOT_FOUND' : response.status === 403 ? 'E_AUTH_FAILED' : 'E_REMOTE';
  return new AppError(code, `Zendesk refused GET ${new URL(response.url).pathname}: ${error.message}`, {
    status: response.status,
    code: error.code,
  });
}

export type ZendeskHooks = TargetHooks;

/** Whether an exported item is a deletion: organizations `deleted_at`, users `active: false`, tickets `status: "deleted"`. */
function deletedInExport(entity: ZendeskEntity, item: JsonObject): boolean {
  if (entity === 'organizations') return item.deleted_at !== undefined && item.deleted_at !== null;
  if (entity === 'users') return item.active === false;
  return item.status === 'deleted';
}

/** Zendesk's refusal of a start_time within the last minute (or in the future): nothing is exportable yet. */
const tooRecent = (response: HttpResponse) => response.status === 422 && /too recent start_time/i.test(response.text);

export function createZendeskHooks(): ZendeskHooks {
  // Per connection: once Zendesk has refused bulk user import, later batches go straight to single calls.
  const users: UserWriteMemory = { bulkImportRefused: false };
  const normalize = (_context: HookContext, entity: string, raw: unknown): SourceRecord => {
    const name = entityOf(entity);
    const plain = JSON.parse(JSON.stringify(raw)) as JsonObject;
    const data = name === 'tickets' ? ticketFromWire(plain) : plain;
    for (const field of ['created_at', 'updated_at'])
      if (typeof data[field] === 'string') data[field] = iso(data[field]) || data[field];
    return { key: String(data.id ?? ''), stamp: iso(data.updated_at), data, raw };
  };

  /**
   * Reads with `since` or a resume `cursor` go through the incremental exports (developer.zendesk.com
   * "Incremental Exports"): organizations time-based (`start_time`, `end_time`, `next_page`), users
   * and tickets cursor-based (`after_cursor`). Each page's `cursor` is where the next run resumes —
   * `t:{end_time}` or `c:{after_cursor}` — since Zendesk leaves out the last minute's changes: a
   * watermark taken at the run's start would skip them, the export's own position does not.
   * Time-based pages repeat the items of their edge second; an item edited mid-read comes again
   * later in the stream: each id is handed once per read. Deleted items (organizations
   * `deleted_at`, users `active: false`, tickets `status: "deleted"`) are `deleted` records when
   * `deletions` is asked, else left out. A full read (neither) pages the ordinary list.
   */
  async function* readIncremental(
    context: HookContext,
    name: ZendeskEntity,
    options: ReadOptions,
  ): AsyncIterable<ReadPage> {
    const spec = context.descriptor.entities[name]!.read!.modifiedSince!;
    const exportUrl = `${zendeskBase(context)}${spec.endpoint!}`;
    const handed = new Set<string>();
    const warnings: string[] = [];
    const timeBased = name === 'organizations';
    const sinceSeconds = options.since ? Math.max(0, Number(formatSince(spec.format, options.since))) : undefined;
    const fromWatermark = `${exportUrl}?${spec.template}=${sinceSeconds ?? 0}`;
    const resume = options.cursor?.match(/^([tc]):(.+)$/);
    let url: string;
    if (resume && resume[1] === (timeBased ? 't' : 'c')) {
      url = `${exportUrl}?${timeBased ? 'start_time' : 'cursor'}=${encodeURIComponent(resume[2]!)}`;
    } else {
      if (options.cursor)
        warnings.push(
          `Zendesk ${name}: the saved resume position “${options.cursor}” is not one this export hands out; read from the watermark instead.`,
        );
      url = fromWatermark;
    }
    let fellBack = false;
    let position = resume ? options.cursor : undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      const response = await context.http.request({
        url,
        expect: 'json',
        signal: options.signal,
        passStatuses: [400, 404, 422],
      });
      if (tooRecent(response)) {
        // Nothing older than a minute to export yet: the next run starts from the same place.
        yield {
          records: [],
          calls: 1,
          warnings: [
            ...warnings,
            `Zendesk ${name}: nothing to export yet (Zendesk exports changes older than a minute).`,
          ],
          cursor: position ?? (sinceSeconds !== undefined && timeBased ? `t:${sinceSeconds}` : undefined),
        };
        return;
      }
      if (response.status >= 400 && resume && !fellBack) {
        // An expired or unknown cursor: read from the watermark instead, and say so.
        fellBack = true;
        position = undefined;
        warnings.push(
          `Zendesk ${name}: Zendesk refused the saved export cursor (${zendeskError({ status: response.status, data: response.data, text: response.text }).message}); read from the watermark${options.since ? ` ${options.since}` : ' (everything)'} instead.`,
        );
        url = fromWatermark;
        continue;
      }
      const error = readError(response);
      if (error) throw error;
      const body = (response.data ?? {}) as Record<string, unknown>;
      const items = Array.isArray(body[name]) ? (body[name] as unknown[]) : [];
      const records: SourceRecord[] = [];
      for (const item of items) {
        const record = normalize(context, name, item);
        if (!record.key)
          throw new AppError(
            'E_REMOTE',
            `Zendesk ${name}: an exported item has no id (${JSON.stringify(item).slice(0, 120)}); it cannot be read.`,
          );
        if (handed.has(record.key)) continue;
        handed.add(record.key);
        if (deletedInExport(name, record.data)) {
          if (!options.deletions) continue;
          record.deleted = true;
        }
        records.push(record);
      }
      const endOfStream = body.end_of_stream === true;
      const previous = url;
      if (timeBased) {
        const endTime = body.end_time;
        if (typeof endTime !== 'number')
          throw new AppError('E_REMOTE', `Zendesk ${name}: an export page came without its end_time.`);
        position = `t:${endTime}`;
        url = `${exportUrl}?start_time=${endTime}`;
      } else {
        const after = body.after_cursor;
        if (typeof after !== 'string' || !after)
          throw new AppError('E_REMOTE', `Zendesk ${name}: an export page came without its after_cursor.`);
        position = `c:${after}`;
        url = `${exportUrl}?cursor=${encodeURIComponent(after)}`;
      }
      yield {
        records,
        calls: 1,
        cursor: position,
        ...(warnings.length ? { warnings: warnings.splice(0) } : {}),
      };
      if (endOfStream) return;
      // An export that neither ends nor moves on would be read forever.
      if (url === previous)
        throw new AppError(
          'E_REMOTE',
          `Zendesk ${name}: the export stopped moving (${position ?? ''}) before its end.`,
        );
    }
  }

  return {
    async *readPages(context, entity, options): AsyncIterable<ReadPage> {
      const name = entityOf(entity);
      if (options.since || options.cursor) {
        yield* readIncremental(context, name, options);
        return;
      }
      // A full read: the ordinary list, as the descriptor states it.
      const read = context.descriptor.entities[name]!.read!;
      const pages = walkPages(context.http, {
        paging: read.pagination,
        url: withQuery(`${zendeskBase(context)}${read.endpoint}`, {
          [read.pagination.pageSizeParam!]: String(options.pageSize ?? read.pagination.defaultPageSize),
        }),
        pageSize: options.pageSize ?? read.pagination.defaultPageSize,
        signal: options.signal,
        what: `Zendesk ${name}`,
        extractRecords: (body) => {
          const items = (body as Record<string, unknown>)[name];
          return Array.isArray(items) ? items : [];
        },
        nextToken: nextPage,
        mapError: readError,
      });
      for await (const page of pages)
        yield { records: page.rows.map((raw) => normalize(context, name, raw)), calls: 1 };
    },

    async obtainToken(context, previous): Promise<AccessToken> {
      const { secrets } = context;
      const now = Date.now();
      if (!previous && secrets.access_token)
        return { accessToken: secrets.access_token, refreshToken: secrets.refresh_token, obtainedAt: now };
      const refreshToken = previous?.refreshToken ?? secrets.refresh_token;
      if (!secrets.client_id || !secrets.client_secret) {
        throw new AppError(
          'E_AUTH_REFRESH_FAILED',
          'Zendesk refused the OAuth access token and this connection has no OAuth client to get a new one; paste a fresh token.',
        );
      }
      const grant = refreshToken
        ? { grant_type: 'refresh_token', refresh_token: refreshToken }
        : { grant_type: 'client_credentials', scope: 'read write' };
      const response = await context.http.request({
        method: 'POST',
        url: context.url(
          context.descriptor.auth.kind === 'oauth2' ? context.descriptor.auth.tokenUrl : '{baseUrl}/oauth/tokens',
        ),
        json: { ...grant, client_id: secrets.client_id, client_secret: secrets.client_secret },
        auth: false,
        expect: 'json',
        passStatuses: [400, 401, 403],
      });
      const body = (response.data ?? {}) as {
        access_token?: string;
        refresh_token?: string;
        expires_in?: number | null;
        error?: string;
        error_description?: string;
      };
      if (response.status >= 400 || !body.access_token) {
        throw new AppError(
          'E_AUTH_REFRESH_FAILED',
          `Zendesk refused the ${grant.grant_type} grant: ${body.error_description ?? body.error ?? `HTTP ${response.status}`}.`,
          { status: response.status },
        );
      }
      // A refresh rotates both tokens: keep the new refresh token, the old one is dead.
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token ?? (grant.grant_type === 'refresh_token' ? undefined : refreshToken),
        obtainedAt: now,
        lifetimeSeconds: body.expires_in ?? undefined,
        expiresAt: body.expires_in ? now + body.expires_in * 1000 : undefined,
      };
    },

    normalize,

    async writeBatch(context, entity, records, _matchKey, options = {}) {
      const name = entityOf(entity);
      if (name === 'users') return writeUsers(context, records, users, options);
      if (name === 'organizations') return writeOrganizations(context, records, options);
      const results = [];
      for (const record of records) results.push(await writeTicket(context, record));
      return results;
    },

    async discoverSchema(context, entity) {
      const name = entityOf(entity);
      const key = `${zendeskSingular[name]}_fields`;
      const definitions: ZendeskFieldDefinition[] = [];
      const pages = walkPages(context.http, {
        paging: { style: 'nextLink' },
        url: `${zendeskBase(context)}/${key}?page[size]=100`,
        pageSize: 100,
        what: `Zendesk ${key}`,
        extractRecords: (body) => ((body as Record<string, unknown>)[key] as unknown[] | undefined) ?? [],
        nextToken: nextPage,
        mapError: readError,
      });
      for await (const page of pages) definitions.push(...(page.rows as ZendeskFieldDefinition[]));
      return zendeskSchema(name, definitions);
    },

    async probe(context) {
      const me = (await zendeskGet(context, '/users/me')).user as
        { name?: string; email?: string; role?: string } | undefined;
      return {
        tenant: new URL(zendeskBase(context)).host,
        identity: me ? `${me.name ?? ''} <${me.email ?? ''}> (${me.role ?? 'unknown role'})` : undefined,
      };
    },

    async lookup(context, entity, matchKey, values, signal) {
      const name = entityOf(entity);
      const hits = new Map<string, LookupHit>();
      const wanted = [...new Set(values.filter(Boolean))];
      const take = (item: unknown) => {
        const { key, data, stamp } = normalize(context, name, item);
        const value = String(data[matchKey] ?? '');
        const original = wanted.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
        if (original !== undefined) hits.set(original, { targetKey: key, data, ...(stamp ? { stamp } : {}) });
      };
      if (name === 'organizations' && !['id', 'external_id', 'name'].includes(matchKey))
        throw new AppError(
          'E_INVALID_INPUT',
          `Zendesk looks organizations up by id, external_id or name only, not by ${matchKey}.`,
        );
      if (name === 'tickets' || !['id', 'external_id'].includes(matchKey)) {
        // No show_many for these: one search per value. Organizations search by `?name=` (exact,
        // case-insensitive; organizations OpenAPI ~594-612); users by `?query=field:value`.
        for (const value of wanted) {
          const query =
            name === 'tickets'
              ? `/tickets?external_id=${encodeURIComponent(value)}`
              : name === 'organizations'
                ? `/organizations/search?name=${encodeURIComponent(value)}`
                : `/${name}/search?query=${encodeURIComponent(`${matchKey}:${value}`)}`;
          const body = await zendeskGet(context, query, signal);
          ((body[name] ?? body.results ?? []) as unknown[]).forEach(take);
        }
        return hits;
      }
      const parameter = matchKey === 'id' ? 'ids' : 'external_ids';
      for (let start = 0; start < wanted.length; start += 100) {
        const chunk = wanted
          .slice(start, start + 100)
          .map(encodeURIComponent)
          .join(',');
        const body = await zendeskGet(context, `/${name}/show_many?${parameter}=${chunk}`, signal);
        ((body[name] ?? []) as unknown[]).forEach(take);
      }
      return hits;
    },
  };
}
