import type { SandboxServer, SimulatorContext } from '../../kit';
import type { Row } from '../data/collection';
import type { InforData } from '../data/records';
import { writeViewParty } from '../data/party-writes';
import type { LinesBehaviour } from '../behaviour-lines';
import { lnEnums, lnSets, type LnProperty, type LnSet } from './ln-sets';

/**
 * LN OData writes (issue 16) on the business-partner sets: `GET {set}('{key}')` (404 when absent),
 * `POST {set}` (201 with the entity) and `PATCH {set}('{key}')` (200 with the entity, as Infor's LN
 * API pages document "Update entity": response 200 "Retrieved entity"). Headers as those pages list
 * them: `If-Match` (the entity's `@odata.etag`; 428 without one unless `lnIfMatch: optional`, 412
 * when stale, API-FACTS §1.6), `X-Infor-LnCompany`. Bodies must be `application/json` (else 415).
 *
 * Values are checked against the service's `$metadata` as an OData v4 service does: unknown
 * properties, null in a `Nullable="false"` property, strings over `MaxLength`, a string where a
 * number is due (OData JSON numbers are JSON numbers), a date that is not `yyyy-MM-dd`, an enum
 * value that is not a member; a POST must carry every non-nullable property, a POST of an existing
 * key is 409, a PATCH may not change the key. Errors are the OData error body
 * `{"error":{"code","message","details":[{"code","message","target"}]}}` (OData JSON format §21);
 * LN's own codes and wording are unpublished, so the codes here are the sandbox's.
 * Order sets are read-only in the sandbox (their deep insert is not modelled): 405.
 */
type Gateway = (
  handler: (context: SimulatorContext) => Promise<void> | void,
) => (context: SimulatorContext) => Promise<void>;

const writableSets = new Set(['BusinessPartners', 'BuyfromBusinessPartners']);

export const lnEtag = (stamp: number) => `W/"${stamp.toString(36)}"`;

/** `Set('key')` → the set and its key; undefined when the segment names no key. */
export function parseKeySegment(segment: string): { set: string; key: string } | undefined {
  const match = /^(\w+)\('((?:[^']|'')*)'\)$/.exec(segment);
  if (!match) return undefined;
  return { set: match[1] ?? '', key: (match[2] ?? '').replace(/''/g, "'") };
}

interface Refusal {
  status: number;
  code: string;
  message: string;
  target?: string;
}

export function registerLnWriteRoutes(
  server: SandboxServer,
  tenant: string,
  data: InforData,
  gateway: Gateway,
  behaviour: () => LinesBehaviour,
): void {
  const base = `/${tenant}/LN/lnapi/odata`;
  const refuse = (context: SimulatorContext, refusal: Refusal) =>
    context.json(refusal.status, {
      error: {
        code: refusal.code,
        message: refusal.message,
        ...(refusal.target
          ? { details: [{ code: refusal.code, message: refusal.message, target: refusal.target }] }
          : {}),
      },
    });
  const findSet = (service: string, name: string) =>
    lnSets.find((candidate) => candidate.service === service && candidate.name === name);
  const entityOf = (set: LnSet) => set.entity as 'customers' | 'suppliers';
  const body = (set: LnSet, index: number) => entityBody(server, base, data, set, index);
  const companyRefusal = (context: SimulatorContext): Refusal | undefined => {
    const company = context.header('x-infor-lncompany');
    if (company === undefined || (/^\d{1,4}$/.test(company.trim()) && Number(company) <= 9999)) return undefined;
    return {
      status: 400,
      code: 'InvalidCompany',
      message: `X-Infor-LnCompany "${company}" is not a company number (0-9999).`,
    };
  };
  const jsonBody = async (context: SimulatorContext): Promise<Record<string, unknown> | Refusal> => {
    const type = context.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type))
      return {
        status: 415,
        code: 'UnsupportedMediaType',
        message: `Content-Type "${type}" is not supported; send application/json.`,
      };
    try {
      const parsed = (await context.body()).json<unknown>();
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // answered below
    }
    return { status: 400, code: 'BadRequest', message: 'The request body is not a JSON object.' };
  };

  server.route({
    method: 'POST',
    pattern: `${base}/:service/:set`,
    name: 'LN OData create',
    handler: gateway(async (context) => {
      const set = findSet(context.params.service ?? '', context.params.set ?? '');
      if (!set)
        return refuse(context, {
          status: 404,
          code: 'NotFound',
          message: `Entity set ${context.params.set} does not exist.`,
        });
      const company = companyRefusal(context);
      if (company) return refuse(context, company);
      if (!writableSets.has(set.name))
        return refuse(context, {
          status: 405,
          code: 'NotSupported',
          message: `The sandbox does not take writes to ${set.service}/${set.name}.`,
        });
      const parsed = await jsonBody(context);
      if (isRefusal(parsed)) return refuse(context, parsed);
      const invalid = checkEntity(set, parsed, 'create');
      if (invalid) return refuse(context, invalid);
      const key = String(parsed[set.keys[0]!]);
      if (data.datasets[set.entity].indexOf(key) !== undefined)
        return refuse(context, {
          status: 409,
          code: 'Conflict',
          message: `${set.entityType} '${key}' already exists.`,
          target: set.keys[0],
        });
      const fields = { ...parsed };
      delete fields[set.keys[0]!];
      const index = writeViewParty(data, entityOf(set), 'ln', key, fields, server.clock.now(), true);
      context.json(201, body(set, index), {
        'odata-version': '4.0',
        location: `${server.url}${base}/${set.service}/${set.name}('${key.replace(/'/g, "''")}')`,
      });
    }),
  });

  server.route({
    method: 'PATCH',
    pattern: `${base}/:service/:set`,
    name: 'LN OData update',
    handler: gateway(async (context) => {
      const segment = parseKeySegment(context.params.set ?? '');
      const set = segment && findSet(context.params.service ?? '', segment.set);
      if (!segment || !set)
        return refuse(context, {
          status: 404,
          code: 'NotFound',
          message: `Resource ${context.params.set} does not exist; PATCH an entity by key.`,
        });
      const company = companyRefusal(context);
      if (company) return refuse(context, company);
      if (!writableSets.has(set.name))
        return refuse(context, {
          status: 405,
          code: 'NotSupported',
          message: `The sandbox does not take writes to ${set.service}/${set.name}.`,
        });
      const index = data.datasets[set.entity].indexOf(segment.key);
      if (index === undefined)
        return refuse(context, {
          status: 404,
          code: 'NotFound',
          message: `${set.entityType} '${segment.key}' does not exist.`,
        });
      const ifMatch = context.header('if-match');
      if (ifMatch === undefined && behaviour().lnIfMatch === 'required')
        return refuse(context, {
          status: 428,
          code: 'PreconditionRequired',
          message: 'The If-Match header is required to update an entity.',
        });
      const etag = lnEtag(data.datasets[set.entity].stamp(index));
      if (ifMatch !== undefined && ifMatch.trim() !== '*' && ifMatch.trim() !== etag)
        return refuse(context, {
          status: 412,
          code: 'PreconditionFailed',
          message: `${set.entityType} '${segment.key}' was changed by someone else (ETag ${etag}).`,
        });
      const parsed = await jsonBody(context);
      if (isRefusal(parsed)) return refuse(context, parsed);
      const invalid = checkEntity(set, parsed, 'update');
      if (invalid) return refuse(context, invalid);
      const keyName = set.keys[0]!;
      if (keyName in parsed && String(parsed[keyName]) !== segment.key)
        return refuse(context, {
          status: 400,
          code: 'KeyChange',
          message: `The key property ${keyName} cannot be changed.`,
          target: keyName,
        });
      const fields = { ...parsed };
      delete fields[keyName];
      writeViewParty(data, entityOf(set), 'ln', segment.key, fields, server.clock.now(), false);
      context.json(200, body(set, index), { 'odata-version': '4.0' });
    }),
  });
}

const isRefusal = (value: Record<string, unknown> | Refusal): value is Refusal =>
  typeof (value as Refusal).status === 'number' && typeof (value as Refusal).code === 'string' && 'message' in value;

/** What an OData service refuses in an entity body, checked against the set's `$metadata` properties. */
export function checkEntity(set: LnSet, body: Record<string, unknown>, mode: 'create' | 'update'): Refusal | undefined {
  for (const [name, value] of Object.entries(body)) {
    if (name.includes('@')) continue; // annotations (`@odata.etag`, `@odata.type`)
    const property = set.properties.find((candidate) => candidate.name === name);
    if (!property)
      return {
        status: 400,
        code: 'PropertyNotFound',
        message: `The property '${name}' does not exist on type '${set.service}.${set.entityType}'.`,
        target: name,
      };
    const invalid = checkValue(property, value);
    if (invalid) return { status: 400, code: 'InvalidValue', message: invalid, target: name };
  }
  if (mode === 'create')
    for (const property of set.properties)
      if (property.nullable === false && (body[property.name] === undefined || body[property.name] === null))
        return {
          status: 400,
          code: 'MissingProperty',
          message: `The property '${property.name}' is required to create a ${set.entityType}.`,
          target: property.name,
        };
  return undefined;
}

function checkValue(property: LnProperty, value: unknown): string | undefined {
  const name = property.name;
  if (value === null) return property.nullable === false ? `The property '${name}' cannot be null.` : undefined;
  switch (property.type) {
    case 'Edm.String':
      if (typeof value !== 'string') return `The property '${name}' expects an Edm.String value.`;
      if (property.maxLength !== undefined && value.length > property.maxLength)
        return `The value of property '${name}' is ${value.length} characters long; at most ${property.maxLength} are allowed.`;
      return undefined;
    case 'Edm.Decimal':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `The property '${name}' expects an Edm.Decimal value.`;
    case 'Edm.Int32':
      return Number.isInteger(value) ? undefined : `The property '${name}' expects an Edm.Int32 value.`;
    case 'Edm.Date': {
      const text = typeof value === 'string' ? value : '';
      const date = new Date(`${text}T00:00:00Z`);
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)
        ? undefined
        : `The property '${name}' expects an Edm.Date value (yyyy-MM-dd).`;
    }
    default: {
      const members = lnEnums[property.type] as readonly string[];
      return typeof value === 'string' && members.includes(value)
        ? undefined
        : `The value '${String(value)}' is not a member of ${property.type} (${members.join(', ')}).`;
    }
  }
}

/** For the LN read route: answers `GET {set}('{key}')`; false when the segment names no key. */
export function lnReadByKey(server: SandboxServer, base: string, data: InforData, context: SimulatorContext): boolean {
  const segment = parseKeySegment(context.params.set ?? '');
  if (!segment) return false;
  const set = lnSets.find(
    (candidate) =>
      candidate.service === context.params.service && candidate.name === segment.set && candidate.keys.length === 1,
  );
  const index = set ? data.datasets[set.entity].indexOf(segment.key) : undefined;
  const row = set && index !== undefined ? set.rows(data, index)[0] : undefined;
  if (!set || index === undefined || !row) {
    context.json(404, {
      error: { code: 'NotFound', message: `${set?.entityType ?? segment.set} '${segment.key}' does not exist.` },
    });
    return true;
  }
  context.json(200, entityBody(server, base, data, set, index), { 'odata-version': '4.0' });
  return true;
}

/** One entity as LN answers it: context, ETag (the same form list reads give), every property. */
function entityBody(server: SandboxServer, base: string, data: InforData, set: LnSet, index: number): Row {
  const row = set.rows(data, index)[0] ?? {};
  const out: Row = {
    '@odata.context': `${server.url}${base}/${set.service}/$metadata#${set.name}/$entity`,
    '@odata.etag': lnEtag(data.datasets[set.entity].stamp(index)),
  };
  for (const property of set.properties) out[property.name] = row[property.name] ?? null;
  return out;
}
