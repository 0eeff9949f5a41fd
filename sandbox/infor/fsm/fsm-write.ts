import type { SandboxServer, SimulatorContext } from '../../kit';
import { writeViewParty } from '../data/party-writes';
import type { InforData } from '../data/records';
import type { LinesBehaviour } from '../behaviour-lines';
import { parseStamp } from '../formats';
import { fsmClasses, fsmGroupsOfKey, type FsmClass } from './fsm-classes';

/**
 * FSM (Landmark) writes of customers and vendors (issue 16) through the business class's `Create`
 * and `Update` actions. Form (API-FACTS §10): `POST …/soap/classes/{Class}/actions/{Action}/batch`
 * with `{"_records":[{"_fields":{…},"message":"…"}]}` — the form a public FSM conversion tool loads
 * records with — answered by an array: a `batchStatus` element, then one element per record, in
 * order, with `message` ("… created" / "… updated") or `exception` (Landmark's text). Whether a
 * one-record `POST …/actions/{Action}` with `{"_fields":{…}}` exists is unconfirmed:
 * `fsmWriteBatch: false` serves only that form (the batch route then answers 404).
 *
 * Refusals per record, with the class's field list (fsm-classes.ts): an unknown field, a required
 * field missing on Create, a value longer than the field, a Decimal that is not a number, a Date
 * that is not YYYYMMDD, Create of an existing key, Update of a missing one, an unknown group.
 * Bodies must be JSON (415). Writes land in group 1000 (the sandbox's first group); a write to the
 * group-2000 twins is refused as a sandbox limit.
 */
type Gateway = (
  handler: (context: SimulatorContext) => Promise<void> | void,
) => (context: SimulatorContext) => Promise<void>;

const writableClasses = new Set(['Customer', 'Vendor']);
const knownGroups = ['1000', '2000'];

interface RecordAnswer {
  message?: string;
  exception?: string;
  _fields?: Record<string, string>;
}

export function registerFsmWriteRoutes(
  server: SandboxServer,
  tenant: string,
  data: InforData,
  gateway: Gateway,
  behaviour: () => LinesBehaviour,
): void {
  const base = `/${tenant}/FSM/fsm/soap/classes`;
  const prepare = async (context: SimulatorContext) => {
    const item = fsmClasses.find((candidate) => candidate.name === context.params.class);
    if (!item || !writableClasses.has(item.name)) {
      context.json(404, { _error: `Business class ${context.params.class} does not exist` });
      return undefined;
    }
    const action = context.params.action ?? '';
    if (action !== 'Create' && action !== 'Update') {
      context.json(404, { _error: `Action ${action} does not exist on ${item.name}` });
      return undefined;
    }
    const type = context.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type)) {
      context.json(415, { _error: `Content-Type "${type}" is not supported; send application/json` });
      return undefined;
    }
    let body: unknown;
    try {
      body = (await context.body()).json<unknown>();
    } catch {
      context.json(400, { _error: 'The request body is not valid JSON' });
      return undefined;
    }
    return { item, action: action as 'Create' | 'Update', body };
  };

  server.route({
    method: 'POST',
    pattern: `${base}/:class/actions/:action/batch`,
    name: 'FSM action batch',
    handler: gateway(async (context) => {
      if (!behaviour().fsmWriteBatch) return context.json(404, { _error: 'Resource not found' });
      const prepared = await prepare(context);
      if (!prepared) return;
      const records = (prepared.body as { _records?: unknown } | undefined)?._records;
      if (!Array.isArray(records))
        return context.json(400, { _error: 'The body must be {"_records":[{"_fields":{…},"message":"…"}]}' });
      const answers = records.map((record) =>
        apply(data, prepared.item, prepared.action, (record as { _fields?: unknown })?._fields, server.clock.now()),
      );
      const failed = answers.filter((answer) => answer.exception).length;
      context.json(200, [
        { batchStatus: failed === 0 ? 'complete' : 'completeWithErrors', _count: answers.length, _failed: failed },
        ...answers,
      ]);
    }),
  });
  server.route({
    method: 'POST',
    pattern: `${base}/:class/actions/:action`,
    name: 'FSM action',
    handler: gateway(async (context) => {
      const prepared = await prepare(context);
      if (!prepared) return;
      const answer = apply(
        data,
        prepared.item,
        prepared.action,
        (prepared.body as { _fields?: unknown } | undefined)?._fields,
        server.clock.now(),
      );
      context.json(answer.exception ? 400 : 200, answer);
    }),
  });
}

/** One record through Create or Update: the answer element Landmark gives it. */
function apply(data: InforData, item: FsmClass, action: 'Create' | 'Update', raw: unknown, now: number): RecordAnswer {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { exception: 'The record has no _fields object' };
  const fields = raw as Record<string, unknown>;
  const [groupField = '', keyField = ''] = item.keys;
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const field = item.fields.find((candidate) => candidate.name === name);
    if (!field || field.name === 'UpdateStamp' || field.name === 'CreateDate')
      return { exception: `${name}: field does not exist or cannot be set on ${item.name}` };
    const text = value === null || value === undefined ? '' : String(value);
    if (text.length > field.size) return { exception: `${name}: value exceeds ${field.size} characters` };
    if (text && field.type === 'Decimal' && !/^-?\d+(\.\d+)?$/.test(text))
      return { exception: `${name}: "${text}" is not a valid decimal` };
    if (text && field.type === 'Date' && (!/^\d{8}$/.test(text) || parseStamp(`${text}000000`) === undefined))
      return { exception: `${name}: "${text}" is not a valid date (YYYYMMDD)` };
    values[name] = text;
  }
  const group = values[groupField] ?? '';
  const key = values[keyField] ?? '';
  if (!group) return { exception: `${groupField} is required` };
  if (!key) return { exception: `${keyField} is required` };
  if (!knownGroups.includes(group)) return { exception: `${groupField} ${group} does not exist` };
  const dataset = data.datasets[item.entity];
  const index = dataset.indexOf(key);
  const exists = index !== undefined && fsmGroupsOfKey(key).includes(group);
  const label = `${item.name} ${group}/${key}`;
  if (action === 'Create' && exists) return { exception: `${label} already exists` };
  if (action === 'Update' && !exists) return { exception: `${label} does not exist` };
  if (group !== '1000' || (action === 'Create' && index !== undefined))
    return { exception: `${label}: the sandbox takes writes in ${groupField} 1000 only` };
  if (action === 'Create') {
    const missing = item.fields.find((field) => field.required && !values[field.name]);
    if (missing) return { exception: `${missing.name} is required` };
  }
  const written = { ...values };
  delete written[groupField];
  delete written[keyField];
  writeViewParty(data, item.entity as 'customers' | 'suppliers', 'fsm', key, written, now, action === 'Create');
  return {
    message: `${item.name} ${action === 'Create' ? 'created' : 'updated'}`,
    _fields: { [groupField]: group, [keyField]: key },
  };
}
