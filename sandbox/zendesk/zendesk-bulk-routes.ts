import type { SimulatorContext } from '../kit';
import type { ZdRecord } from './zendesk-store';
import type { JobResultItem, ZendeskState } from './zendesk-state';

/**
 * The job endpoints of a stock tenant: bulk user imports refused until support enables them,
 * organizations `create_many`/`update_many` as jobs of up to 100 (organizations OpenAPI fragment
 * ~477-513 and ~679-767; results read through `/job_statuses/{id}`).
 */
export type Route = (
  method: string,
  path: string,
  name: string,
  handler: (context: SimulatorContext) => Promise<void> | void,
) => void;

/**
 * Users OpenAPI fragment ~1091-1097 (`create_many`) and ~1235-1241 (`create_or_update_many`):
 * "bulk user imports are not enabled by default … A 403 Forbidden error is returned".
 * True when the call was refused (the answer is sent).
 */
export function refuseBulkImport(state: ZendeskState, context: SimulatorContext): boolean {
  if (state.settings.bulkImportEnabled) return false;
  context.json(403, {
    error: {
      title: 'Forbidden',
      message:
        'You do not have access to this page. Please contact the account owner of this help desk for further help.',
    },
  });
  return true;
}

/** The checks every job endpoint shares: a non-empty list of ≤ maxBatch items and room for one more job (≤ 30 open → else 429). */
export function jobItems(state: ZendeskState, context: SimulatorContext, items: unknown, key: string) {
  const list = Array.isArray(items) ? (items as ZdRecord[]) : [];
  if (list.length === 0) {
    context.json(400, { error: 'InvalidValue', description: `${key}: parameter is required` });
    return undefined;
  }
  if (list.length > state.settings.maxBatch) {
    context.json(400, {
      error: 'TooManyRecords',
      description: `Too many records. Maximum is ${state.settings.maxBatch}`,
    });
    return undefined;
  }
  if (state.openJobs() >= state.settings.maxOpenJobs) {
    context.json(
      429,
      {
        error: 'TooManyJobs',
        description: `Number of queued or running jobs is over the limit of ${state.settings.maxOpenJobs}.`,
      },
      { 'retry-after': '1' },
    );
    return undefined;
  }
  return list;
}

const failure = (body: unknown) => {
  const details = (body as { details?: Record<string, Array<{ description: string }>> }).details ?? {};
  return Object.values(details)
    .flat()
    .map((item) => item.description)
    .join(', ');
};

export function registerZendeskBulkRoutes(
  state: ZendeskState,
  route: Route,
  json: (context: SimulatorContext) => Promise<ZdRecord | undefined>,
): void {
  route('POST', '/users/create_many', 'Zendesk users create_many', async (context) => {
    if (refuseBulkImport(state, context)) return;
    const body = await json(context);
    if (!body) return;
    const users = jobItems(state, context, body.users, 'users');
    if (!users) return;
    state.largestBatch = Math.max(state.largestBatch, users.length);
    const existing = new Set([...state.records.users.values()].map((user) => String(user.email ?? '').toLowerCase()));
    const results = users.map((user, index): JobResultItem => {
      // Create only: an e-mail already in use fails that item, as a single POST /users would (422).
      if (user.email && existing.has(String(user.email).toLowerCase()))
        return {
          id: index,
          error: 'UserCreateError',
          details: `Email: ${String(user.email)} is already being used by another user`,
          status: 'Failed',
        };
      return state.saveUser(user, index);
    });
    context.json(200, { job_status: state.jobView(state.startJob('bulk_create_users', results)) });
  });

  // create_many: each success is `{id, index}`; a failure keeps its `index` with Zendesk's `error`/`details`.
  route('POST', '/organizations/create_many', 'Zendesk organizations create_many', async (context) => {
    const body = await json(context);
    if (!body) return;
    const organizations = jobItems(state, context, body.organizations, 'organizations');
    if (!organizations) return;
    state.largestOrganizationBatch = Math.max(state.largestOrganizationBatch, organizations.length);
    const results = organizations.map((organization, index): JobResultItem => {
      const { id: _id, ...input } = organization;
      const saved = state.saveOrganization(input, false);
      const record = (saved.body as { organization?: ZdRecord }).organization;
      return saved.status < 400 && record
        ? { id: Number(record.id), index, action: 'create', status: 'Created', success: true }
        : {
            index,
            action: 'create',
            status: 'Failed',
            success: false,
            error: 'RecordInvalid',
            details: failure(saved.body),
          };
    });
    context.json(200, { job_status: state.jobView(state.startJob('bulk_create_organizations', results)) });
  });

  // update_many, batch form (`{"organizations":[{"id"|"external_id",…}]}`): never creates; results keep `id` and `index`.
  route('PUT', '/organizations/update_many', 'Zendesk organizations update_many', async (context) => {
    const body = await json(context);
    if (!body) return;
    if (context.query.has('ids') || context.query.has('external_ids') || body.organization !== undefined)
      return context.json(400, {
        error: 'InvalidValue',
        description: 'The simulator implements the batch form only: {"organizations":[{"id",…}]}',
      });
    const organizations = jobItems(state, context, body.organizations, 'organizations');
    if (!organizations) return;
    state.largestOrganizationBatch = Math.max(state.largestOrganizationBatch, organizations.length);
    const results = organizations.map((organization, index): JobResultItem => {
      const existing =
        organization.id !== undefined && organization.id !== null
          ? state.records.organizations.get(Number(organization.id))
          : [...state.records.organizations.values()].find(
              (record) =>
                organization.external_id &&
                String(record.external_id ?? '').toLowerCase() === String(organization.external_id).toLowerCase(),
            );
      const id = existing?.id ?? organization.id ?? undefined;
      if (!existing)
        return {
          ...(id === undefined ? {} : { id: id as number }),
          index,
          action: 'update',
          status: 'Failed',
          success: false,
          error: 'RecordNotFound',
          details: 'Not found',
        };
      const saved = state.saveOrganization({ ...organization, id: existing.id }, true);
      return saved.status < 400
        ? { id: Number(existing.id), index, action: 'update', status: 'Updated', success: true }
        : {
            id: Number(existing.id),
            index,
            action: 'update',
            status: 'Failed',
            success: false,
            error: 'RecordInvalid',
            details: failure(saved.body),
          };
    });
    context.json(200, { job_status: state.jobView(state.startJob('bulk_update_organizations', results)) });
  });
}
