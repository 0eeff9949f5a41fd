import type { SandboxServer, SimulatorContext } from '../kit';
import { recordInvalid, type ZdKind, type ZdRecord } from './zendesk-store';
import { ZendeskState } from './zendesk-state';
import { registerIncrementalRoutes } from './zendesk-incremental';
import { jobItems, refuseBulkImport, registerZendeskBulkRoutes } from './zendesk-bulk-routes';

const api = '/api/v2';
const singular: Record<ZdKind, string> = { organizations: 'organization', users: 'user', tickets: 'ticket' };

/** Registers `path` and `path.json` (the suffix is optional on Zendesk). */
function both(
  server: SandboxServer,
  method: string,
  path: string,
  name: string,
  handler: (context: SimulatorContext) => Promise<void> | void,
) {
  server.route({ method, pattern: api + path, name, handler });
  if (!path.includes(':')) server.route({ method, pattern: `${api}${path}.json`, name, handler });
}

const idParam = (context: SimulatorContext) => (context.params.id ?? '').replace(/\.json$/, '');

export function registerZendeskRoutes(server: SandboxServer, state: ZendeskState): void {
  const guarded =
    (handler: (context: SimulatorContext) => Promise<void> | void) => async (context: SimulatorContext) => {
      if (!state.authenticate(context)) return;
      if (state.overMinuteLimit(context)) return;
      await handler(context);
    };
  const json = async (context: SimulatorContext): Promise<ZdRecord | undefined> => {
    try {
      const body = (await context.body()).json<unknown>();
      if (body && typeof body === 'object' && !Array.isArray(body)) return body as ZdRecord;
    } catch {
      // answered below
    }
    context.json(400, { error: 'Unprocessable Entity', description: 'Server could not parse JSON' });
    return undefined;
  };

  for (const kind of ['organizations', 'users', 'tickets'] as const) {
    both(
      server,
      'GET',
      `/${kind}`,
      `Zendesk list ${kind}`,
      guarded((context) => {
        const externalId = context.query.get('external_id');
        const items = [...state.records[kind].values()].filter(
          (record) =>
            ZendeskState.listed(kind, record) &&
            (externalId === null || String(record.external_id ?? '').toLowerCase() === externalId.toLowerCase()),
        );
        state.page(context, kind, items);
      }),
    );
    both(
      server,
      'GET',
      `/${kind}/show_many`,
      `Zendesk show_many ${kind}`,
      guarded((context) => {
        const ids = (context.query.get('ids') ?? '').split(',').filter(Boolean);
        const externalIds = (context.query.get('external_ids') ?? '')
          .split(',')
          .filter(Boolean)
          .map((value) => value.toLowerCase());
        if (ids.length + externalIds.length > 100)
          return context.json(400, { error: 'InvalidValue', description: 'Too many ids (maximum 100)' });
        const items = [...state.records[kind].values()].filter(
          (record) =>
            ids.includes(String(record.id)) || externalIds.includes(String(record.external_id ?? '').toLowerCase()),
        );
        context.json(200, { [kind]: items, next_page: null, previous_page: null, count: items.length });
      }),
    );
  }
  // Organizations OpenAPI fragment ~594-612: search by `external_id` or `name` (exact, case-insensitive),
  // "but not both"; `query` is not one of its parameters, so a stock tenant's answer to it is refused here.
  both(
    server,
    'GET',
    '/organizations/search',
    'Zendesk search organizations',
    guarded((context) => {
      const unknown = [...context.query.keys()].filter((key) => key !== 'external_id' && key !== 'name');
      const externalId = context.query.get('external_id');
      const name = context.query.get('name');
      if (unknown.length > 0 || (externalId === null) === (name === null))
        return context.json(400, {
          error: 'InvalidValue',
          description: `Search organizations by external_id or name, not both${unknown.length > 0 ? ` (unknown parameter ${unknown.join(', ')})` : ''}`,
        });
      const [field, value] = externalId !== null ? ['external_id', externalId] : ['name', name ?? ''];
      const items = [...state.records.organizations.values()].filter(
        (record) => String(record[field] ?? '').toLowerCase() === value.toLowerCase(),
      );
      context.json(200, { organizations: items, count: items.length, next_page: null, previous_page: null });
    }),
  );
  both(
    server,
    'GET',
    '/users/search',
    'Zendesk search users',
    guarded((context) => {
      const externalId = context.query.get('external_id');
      const query = context.query.get('query') ?? '';
      const [field, value] = query.includes(':')
        ? [query.slice(0, query.indexOf(':')), query.slice(query.indexOf(':') + 1)]
        : ['', ''];
      const items = [...state.records.users.values()].filter((record) =>
        externalId !== null
          ? String(record.external_id ?? '').toLowerCase() === externalId.toLowerCase()
          : field
            ? String(record[field] ?? '').toLowerCase() === value.toLowerCase()
            : false,
      );
      context.json(200, { users: items, results: items, count: items.length, next_page: null, previous_page: null });
    }),
  );

  both(
    server,
    'GET',
    '/users/me',
    'Zendesk me',
    guarded((context) => context.json(200, { user: state.me() })),
  );

  for (const key of ['organization_fields', 'user_fields', 'ticket_fields'] as const) {
    both(
      server,
      'GET',
      `/${key}`,
      `Zendesk ${key}`,
      guarded((context) =>
        context.json(200, {
          [key]: state.fields[key],
          meta: { has_more: false, after_cursor: null, before_cursor: null },
          links: { next: null, prev: null },
          count: state.fields[key].length,
        }),
      ),
    );
  }

  both(
    server,
    'POST',
    '/organizations',
    'Zendesk create organization',
    guarded(async (context) => {
      const body = await json(context);
      if (!body) return;
      const result = state.saveOrganization((body.organization ?? {}) as ZdRecord, false);
      context.json(result.status, result.body);
    }),
  );
  both(
    server,
    'POST',
    '/organizations/create_or_update',
    'Zendesk organization create_or_update',
    guarded(async (context) => {
      const body = await json(context);
      if (!body) return;
      const result = state.saveOrganization((body.organization ?? {}) as ZdRecord, true);
      context.json(result.status, result.body);
    }),
  );
  both(
    server,
    'POST',
    '/users/create_or_update',
    'Zendesk user create_or_update',
    guarded(async (context) => {
      const body = await json(context);
      if (!body) return;
      const result = state.saveUser((body.user ?? {}) as ZdRecord, 0);
      if (result.status === 'Failed')
        return context.json(
          422,
          recordInvalid({ user: [{ description: String(result.details), error: String(result.error) }] }),
        );
      const user = state.records.users.get(Number(result.id)) as ZdRecord;
      context.json(
        result.status === 'Created' ? 201 : 200,
        { user },
        { location: `${server.url}${api}/users/${String(user.id)}.json` },
      );
    }),
  );
  both(
    server,
    'POST',
    '/users/create_or_update_many',
    'Zendesk users create_or_update_many',
    guarded(async (context) => {
      if (refuseBulkImport(state, context)) return;
      const body = await json(context);
      if (!body) return;
      const users = jobItems(state, context, body.users, 'users');
      if (!users) return;
      state.largestBatch = Math.max(state.largestBatch, users.length);
      // Every user is saved; only the listing of the results follows the `userJobResults` switch.
      const job = state.startJob(
        'bulk_create_or_update_users',
        state.userJobResultsOf(users.map((user, index) => state.saveUser(user, index))),
      );
      context.json(200, { job_status: state.jobView(job) });
    }),
  );
  both(
    server,
    'GET',
    '/job_statuses/show_many',
    'Zendesk job statuses show_many',
    guarded((context) => {
      const ids = (context.query.get('ids') ?? '').split(',').filter(Boolean);
      context.json(200, {
        job_statuses: ids
          .map((id) => state.jobs.get(id))
          .filter((job) => job !== undefined)
          .map((job) => state.jobView(job)),
      });
    }),
  );
  both(
    server,
    'GET',
    '/job_statuses/:id',
    'Zendesk job status',
    guarded((context) => {
      const job = state.jobs.get(idParam(context));
      if (!job) return context.json(404, { error: 'RecordNotFound', description: 'Not found' });
      context.json(200, { job_status: state.jobView(job) });
    }),
  );

  both(
    server,
    'POST',
    '/tickets',
    'Zendesk create ticket',
    guarded(async (context) => {
      const body = await json(context);
      if (!body) return;
      const result = state.saveTicket((body.ticket ?? {}) as ZdRecord, undefined);
      context.json(result.status, result.body);
    }),
  );
  both(
    server,
    'PUT',
    '/tickets/:id',
    'Zendesk update ticket',
    guarded(async (context) => {
      const body = await json(context);
      if (!body) return;
      const result = state.saveTicket((body.ticket ?? {}) as ZdRecord, Number(idParam(context)));
      context.json(result.status, result.body);
    }),
  );

  registerIncrementalRoutes(server, state, state.settings, guarded, state.baseUrl);
  registerZendeskBulkRoutes(
    state,
    (method, path, name, handler) => both(server, method, path, name, guarded(handler)),
    json,
  );

  // Last: `/users/me`, `/organizations/search` and friends must win over `/:id`.
  for (const kind of ['organizations', 'users', 'tickets'] as const) {
    both(
      server,
      'GET',
      `/${kind}/:id`,
      `Zendesk show ${singular[kind]}`,
      guarded((context) => {
        const record = state.records[kind].get(Number(idParam(context)));
        if (!record) return context.json(404, { error: 'RecordNotFound', description: 'Not found' });
        context.json(200, { [singular[kind]]: record });
      }),
    );
  }

  server.route({
    method: 'POST',
    pattern: '/oauth/tokens',
    name: 'Zendesk OAuth token',
    metered: false,
    handler: (context) => state.token(context),
  });
}
