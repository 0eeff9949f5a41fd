import { parseResource } from './dynamics-query';
import { codes, DataverseFault, type DataverseStore, type Json, type Row } from './dynamics-store';
import { tableBySetName, type TableSpec } from './dynamics-tables';

/**
 * Dataverse bulk operation messages on one table (Microsoft Learn, "Use bulk operation messages" and
 * the Web API reference pages "UpsertMultiple Action" / "CreateMultiple Action";
 * https://learn.microsoft.com/power-apps/developer/data-platform/bulk-operations):
 *
 * - `POST /{set}/Microsoft.Dynamics.CRM.UpsertMultiple` `{"Targets":[…]}` answers **204 No Content**
 *   ("The UpsertMultiple action returns 204 NoContent. The UpsertMultipleResponse complex type is not
 *   returned."); a target names its record by `@odata.id` with an alternate key
 *   (`accounts(accountnumber='A-1')`), as in Microsoft's Web API example.
 * - `POST /{set}/Microsoft.Dynamics.CRM.CreateMultiple` answers 200 with `CreateMultipleResponse`
 *   `{"Ids":[…]}`, the created ids in the order of the targets.
 * - Every target must carry `@odata.type` ("You must specify the @odata.type annotation with every
 *   item in the Targets parameter"), of the table the action is bound to.
 * - Standard tables run the whole message in one transaction: one bad target fails the call and
 *   nothing is written (API-FACTS §5.3 "all-or-nothing"); the error is that target's own error.
 *
 * Unconfirmed, and kept configurable: the number of targets per call (Microsoft recommends 100–1,000;
 * the sandbox refuses more than `maxTargets` with a 400) and the wording of the refusals below.
 */
export type BulkAction = 'UpsertMultiple' | 'CreateMultiple';

export const bulkActions: readonly string[] = [
  'Microsoft.Dynamics.CRM.UpsertMultiple',
  'Microsoft.Dynamics.CRM.CreateMultiple',
];

export interface BulkContext {
  store: DataverseStore;
  table: TableSpec;
  base: string;
  maxTargets: number;
  headers: Record<string, string>;
  body: string;
  resolve: (value: string, target: string) => string | undefined;
}

export interface BulkAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

const jsonType =
  'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

export function runBulkAction(action: BulkAction, context: BulkContext): BulkAnswer {
  const { store, table } = context;
  // Dataverse reads an action's parameters only from a JSON body.
  if (!/^application\/json\b/i.test(context.headers['content-type'] ?? ''))
    throw new DataverseFault(
      415,
      '0x80048d19',
      `The request's Content-Type '${context.headers['content-type'] ?? ''}' is not supported; the action ${action} reads application/json.`,
    );
  let body: { Targets?: unknown };
  try {
    body = JSON.parse(context.body) as { Targets?: unknown };
  } catch {
    throw new DataverseFault(400, codes.payload, 'The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || !Array.isArray(body.Targets) || body.Targets.length === 0)
    throw new DataverseFault(400, codes.required, "The parameter 'Targets' must be a non-empty collection.");
  if (body.Targets.length > context.maxTargets) {
    throw new DataverseFault(
      400,
      codes.required,
      `The number of Targets (${body.Targets.length}) exceeds the limit of ${context.maxTargets}.`,
    );
  }
  const detect = context.headers['mscrm.suppressduplicatedetection'] === 'false';
  const expectedType = `Microsoft.Dynamics.CRM.${table.logicalName}`;
  const ids = store.atomic(() =>
    (body.Targets as unknown[]).map((raw, index) => {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw))
        throw new DataverseFault(400, codes.payload, `Targets[${index}] is not an entity.`);
      const target = raw as Record<string, unknown>;
      const type = target['@odata.type'];
      if (typeof type !== 'string')
        throw new DataverseFault(
          400,
          codes.payload,
          `The '@odata.type' annotation is missing on an item of the Targets collection; ${action} needs it on every item.`,
        );
      if (type.replace(/^#/, '') !== expectedType)
        throw new DataverseFault(
          400,
          codes.payload,
          `Every item of Targets must be of type ${expectedType} (the table the action is bound to); got '${type}'.`,
        );
      const key = keyOf(target, table, store);
      const existing = key ? store.find(table, key) : undefined;
      if (action === 'CreateMultiple' && existing)
        throw new DataverseFault(412, codes.duplicateKey, 'A record with matching key values already exists.');
      const keyValues: Record<string, Json> = {};
      for (const [name, value] of Object.entries(key ?? {})) if (name !== table.primaryId) keyValues[name] = value;
      const values = store.validate(
        table,
        existing ? target : { ...target, ...keyValues },
        existing ? 'update' : 'create',
        context.resolve,
      );
      if (detect) store.checkDuplicates(table, values, existing);
      const row: Row = existing
        ? store.update(table, existing, values)
        : store.create(
            table,
            values,
            typeof key?.[table.primaryId] === 'string' ? String(key[table.primaryId]) : undefined,
          );
      return row.id;
    }),
  );
  if (action === 'UpsertMultiple') return { status: 204, headers: { 'odata-version': '4.0' } };
  return {
    status: 200,
    headers: { 'content-type': jsonType, 'odata-version': '4.0' },
    body: JSON.stringify({
      '@odata.context': `${context.base}/$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
      Ids: ids,
    }),
  };
}

/**
 * The record a target names: `@odata.id` (`accounts(accountnumber='A-1')`, the set must be the
 * action's), else its primary id, else the columns of an active alternate key in the body.
 */
function keyOf(
  target: Record<string, unknown>,
  table: TableSpec,
  store: DataverseStore,
): Record<string, Json> | undefined {
  const reference = target['@odata.id'];
  if (typeof reference === 'string') {
    const relative = reference.replace(/^.*\/api\/data\/v9\.\d\//, '');
    const resource = parseResource(relative, (segment) => tableBySetName.get(segment)?.primaryId);
    if (resource.segment !== table.setName || !resource.key || resource.rest.length > 0)
      throw new DataverseFault(
        400,
        codes.payload,
        `The '@odata.id' '${reference}' does not name a record of the entity set '${table.setName}'.`,
      );
    store.checkKey(table, Object.keys(resource.key));
    for (const [name, value] of Object.entries(resource.key)) {
      if (name in target && String(target[name]) !== String(value))
        throw new DataverseFault(
          400,
          codes.required,
          `The value of '${name}' in the target does not match the key in its '@odata.id'.`,
        );
    }
    return resource.key;
  }
  if (typeof target[table.primaryId] === 'string') return { [table.primaryId]: String(target[table.primaryId]) };
  const key = table.keys.find(
    (candidate) =>
      candidate.status === 'Active' &&
      candidate.attributes.every((name) => target[name] !== undefined && target[name] !== null),
  );
  return key ? Object.fromEntries(key.attributes.map((name) => [name, target[name] as Json])) : undefined;
}
