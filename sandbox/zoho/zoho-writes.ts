import type { SimulatorContext } from '../kit';
import { isJsonContentType, requestedModule, zohoError, type ZohoApiState } from './zoho-answers';
import type { WriteMode } from './zoho-store';

/** Insert (`POST`), update (`PUT`) and upsert (`POST …/upsert`) of up to `maxWriteBatch` records. */

export async function writeRecords(state: ZohoApiState, context: SimulatorContext, mode: WriteMode): Promise<void> {
  const module = requestedModule(state, context);
  if (!module) return;
  if (state.options.requireJsonContentType && !isJsonContentType(context.header('content-type'))) {
    state.server.bump('contentTypeRefused');
    return zohoError(context, 400, 'INVALID_DATA', 'the request body must be sent as application/json', {
      header: 'Content-Type',
      expected_value: 'application/json',
      value: context.header('content-type') ?? null,
    });
  }
  let body: { data?: unknown; duplicate_check_fields?: unknown };
  try {
    body = (await context.body()).json();
  } catch {
    return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
      expected_data_type: 'jsonobject',
      api_name: 'body',
    });
  }
  if (!Array.isArray(body.data) || body.data.length === 0) {
    return zohoError(context, 400, 'MANDATORY_NOT_FOUND', 'required field not found', {
      api_name: 'data',
      json_path: '$.data',
    });
  }
  state.largestBatch.set(module.api, Math.max(state.largestBatch.get(module.api) ?? 0, body.data.length));
  if (body.data.length > state.options.maxWriteBatch) {
    return zohoError(context, 400, 'LIMIT_EXCEEDED', 'the given data exceeds the limit', {
      limit: state.options.maxWriteBatch,
      api_name: 'data',
      json_path: '$.data',
    });
  }
  let checkFields: string[] | undefined;
  if (body.duplicate_check_fields !== undefined) {
    const listed = Array.isArray(body.duplicate_check_fields) ? body.duplicate_check_fields.map(String) : [];
    const bad = listed.find((name) => {
      const spec = module.fields.find((candidate) => candidate.api === name);
      return !spec || !(spec.unique || spec.external || name === module.systemKey);
    });
    if (bad !== undefined || listed.length === 0) {
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
        api_name: 'duplicate_check_fields',
        json_path: '$.duplicate_check_fields',
        value: bad ?? null,
      });
    }
    checkFields = listed;
  }
  const answers = state.store.write(module, body.data, mode, checkFields);
  const failed = answers.filter((answer) => !answer.ok).length;
  const status =
    failed === answers.length
      ? 400
      : failed > 0
        ? state.options.mixedStatus
        : answers.some((answer) => answer.body.action === 'update')
          ? 200
          : 201;
  state.server.bump('recordsWritten', answers.length - failed);
  context.json(status, { data: answers.map((answer) => answer.body) });
}

/** The rows of a write body (for the upsert credit count); none when it is not JSON. */
export function safeRows(body: { json<T>(): T }): unknown[] {
  try {
    const parsed = body.json<{ data?: unknown }>();
    return Array.isArray(parsed.data) ? parsed.data : [];
  } catch {
    return [];
  }
}
