import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { RecordedRequest } from '../../sandbox/kit/request-log';
import { fixturePath } from './paths';

/**
 * Checks recorded simulator exchanges against a vendor's own OpenAPI 3.0 files
 * (`../shared/fixtures/zoho/oas`, `../shared/fixtures/zendesk/oas_fragments`)
 * with Ajv 8, the JSON Schema validator most OpenAPI tooling builds on.
 *
 * OpenAPI 3.0 schemas are JSON Schema draft-4-ish plus `nullable`, which Ajv
 * implements natively; `strict: false` lets Ajv ignore the OpenAPI-only
 * keywords (`example`, `xml`, `discriminator` without `oneOf`). A `$ref` to a
 * vendor file we do not hold (Zoho's users.json, tags.json, …) becomes `{}`:
 * that part is not checked rather than failing every exchange, and the list of
 * such refs is available in `unresolved` for a test to report.
 */
export interface OpenApiSpec {
  /** Problems of one exchange, empty when the request and the response match the operation. */
  check(call: RecordedRequest): string[];
  /** Finds the operation for a method and a concrete path (literal segments beat templates). */
  operation(method: string, pathname: string): { template: string; file: string } | undefined;
  readonly unresolved: ReadonlySet<string>;
}

interface Operation {
  file: string;
  template: string;
  pattern: RegExp;
  literals: number;
  method: string;
  parameters: Array<{ name: string; in: string }>;
  requestSchema: Json | undefined;
  /** By status code (`200`, `4XX`, `default`); undefined when the response documents no JSON body. */
  responses: { [code: string]: Json | undefined };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * @param directory folder of OpenAPI files (`.json`, `.yml`, `.yaml`)
 * @param baseId where the vendor publishes these files, so their absolute cross-file `$ref`s resolve to the local copies
 */
export function loadOpenApi(
  directory: string,
  baseId: string,
  options: {
    /**
     * Schemas (`file#/json/pointer`) that also accept null: where the vendor's
     * file and the vendor's own documented answers disagree, each with its
     * source at the call site. Kept short and explicit so a gap is never silent.
     */
    allowNull?: string[];
    /** Schemas (`file#/json/pointer`) left unchecked where the vendor's file is plainly wrong; reasons at the call site. */
    unchecked?: string[];
    /**
     * Statuses the vendor documents elsewhere for an operation whose file lists
     * only another one with the same body (`{ '207': '200' }`): checked against
     * that one's schema. Any other undocumented status is a problem.
     */
    statusAlias?: Record<string, string>;
    /**
     * Error bodies the vendor documents outside the files, by status, for operations whose file
     * lists only successes: checked against these (JSON Schema) instead of being undocumented.
     */
    errorShapes?: Record<string, object>;
    /** Query parameters the vendor documents for every call of a kind rather than per operation (paging). */
    commonQuery?: string[];
    /** Maps a recorded path to the form the files use (Zendesk: `.json` is optional on every path). */
    normalizePath?: (pathname: string) => string;
  } = {},
): OpenApiSpec {
  const files = readdirSync(directory).filter((name) => /\.(json|ya?ml)$/.test(name));
  const unresolved = new Set<string>();
  const docs = new Map<string, { [key: string]: Json }>();
  for (const file of files) {
    const text = readFileSync(path.join(directory, file), 'utf8');
    docs.set(file, (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as { [key: string]: Json });
  }
  // OpenAPI 3.1 schemas are JSON Schema 2020-12 (`type: [string, 'null']`); 3.0 ones are draft-4-like with `nullable`.
  const is31 = [...docs.values()].some((doc) => String(doc.openapi ?? '').startsWith('3.1'));
  const ajvOptions = { strict: false, allErrors: true, validateFormats: true };
  const ajv = is31 ? new Ajv2020(ajvOptions) : new Ajv(ajvOptions);
  addFormats(ajv);
  const idOf = (file: string) => new URL(file, baseId).href;
  const known = new Set([...docs.keys()].map(idOf));
  const fixRefs = (node: Json, file: string): Json => {
    if (Array.isArray(node)) return node.map((item) => fixRefs(item, file));
    if (node === null || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string') {
      const [target = '', fragment] = node.$ref.split('#');
      const absolute = new URL(target || file, idOf(file)).href;
      if (!known.has(absolute)) {
        unresolved.add(node.$ref);
        return {};
      }
      // Component schemas are registered one by one (below) under `<file>/components/schemas/<name>`:
      // Ajv's 2020-12 mode does not follow a pointer into a non-schema part of a document.
      const component = /^\/components\/schemas\/([^/]+)(.*)$/.exec(fragment ?? '');
      const holder = [...docs].find(([name]) => idOf(name) === absolute)?.[1];
      const schemas = (holder?.components as { schemas?: { [name: string]: Json } } | undefined)?.schemas;
      // Zendesk's fragments name schemas defined only in the full file (UserObject, OrganizationObject).
      if (component && !schemas?.[component[1]!]) {
        unresolved.add(node.$ref);
        return {};
      }
      if (component)
        return {
          $ref: `${absolute}/components/schemas/${component[1]}${component[2] ? `#${component[2]}` : ''}`,
        };
      return { $ref: `${absolute}#${fragment ?? ''}` };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fixRefs(value, file)]));
  };
  const fixed = new Map<string, Json>();
  for (const [file, raw] of docs) fixed.set(idOf(file), fixRefs(raw, file));
  const patch = (entry: string, change: (schema: Json) => Json) => {
    const [file = '', pointer = ''] = entry.split('#');
    const keys = pointer
      .split('/')
      .filter(Boolean)
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop();
    const parent = keys.reduce<Json | undefined>(
      (at, key) => (at && typeof at === 'object' && !Array.isArray(at) ? at[key] : undefined),
      fixed.get(idOf(file)),
    );
    if (!last || !parent || typeof parent !== 'object' || Array.isArray(parent) || parent[last] === undefined)
      throw new Error(`${entry} is not in the OpenAPI files`);
    parent[last] = change(parent[last]);
  };
  for (const entry of options.allowNull ?? []) patch(entry, (schema) => ({ anyOf: [schema, { type: 'null' }] }));
  for (const entry of options.unchecked ?? []) patch(entry, () => ({}));
  /** Follows `$ref`s (responses, request bodies, parameters may be references) to the node itself. */
  const deref = (node: Json | undefined): Json | undefined => {
    for (let hops = 0; hops < 20 && node && typeof node === 'object' && !Array.isArray(node); hops++) {
      if (typeof node.$ref !== 'string') return node;
      const [target = '', fragment = ''] = node.$ref.split('#');
      node = fragment
        .split('/')
        .filter(Boolean)
        .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<Json | undefined>(
          (at, key) => (at && typeof at === 'object' && !Array.isArray(at) ? at[key] : undefined),
          fixed.get(target),
        );
    }
    return node;
  };
  /** The JSON schema of a request body or response object, if it has an `application/json` one. */
  const jsonSchema = (holder: Json | undefined): Json | undefined => {
    const resolved = deref(holder);
    if (!resolved || typeof resolved !== 'object' || Array.isArray(resolved)) return undefined;
    const content = deref(resolved.content);
    if (!content || typeof content !== 'object' || Array.isArray(content)) return undefined;
    const media = Object.entries(content).find(([type]) => /^application\/(.+\+)?json/.test(type))?.[1];
    return media && typeof media === 'object' && !Array.isArray(media) ? media.schema : undefined;
  };
  /**
   * Zoho answers `oneOf: [Response_Wrapper, API_Exception]`, two schemas with no
   * required keys, so every body matches both and a strict `oneOf` fails them
   * all (it means "either shape"). Check the body against the alternative that
   * declares most of its top-level keys instead; nested `oneOf`s stay strict.
   */
  const branchFor = (schema: Json, text: string): Json => {
    const resolved = deref(schema);
    if (!resolved || typeof resolved !== 'object' || Array.isArray(resolved) || !Array.isArray(resolved.oneOf))
      return schema;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return schema;
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return schema;
    const keys = Object.keys(body);
    const score = (branch: Json) => {
      const node = deref(branch);
      const properties = node && typeof node === 'object' && !Array.isArray(node) ? deref(node.properties) : undefined;
      return properties && typeof properties === 'object' && !Array.isArray(properties)
        ? keys.filter((key) => key in properties).length
        : 0;
    };
    return resolved.oneOf.reduce((best, branch) => (score(branch) > score(best) ? branch : best));
  };
  const operations: Operation[] = [];
  for (const [file] of docs) {
    const doc = fixed.get(idOf(file)) as { [key: string]: Json };
    const components = (doc.components ?? {}) as { [kind: string]: Json };
    for (const [name, schema] of Object.entries((components.schemas ?? {}) as { [name: string]: Json }))
      ajv.addSchema(schema as object, `${idOf(file)}/components/schemas/${name}`);
    const paths = (doc.paths ?? {}) as { [template: string]: { [method: string]: Json } };
    for (const [template, item] of Object.entries(paths)) {
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const [method, raw] of Object.entries(item)) {
        if (!/^(get|put|post|patch|delete)$/.test(method) || raw === null || typeof raw !== 'object') continue;
        const op = raw as { [key: string]: Json };
        const parameters = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])].map((parameter) => {
          const resolved = deref(parameter);
          if (resolved && typeof resolved === 'object' && !Array.isArray(resolved))
            return { name: String(resolved.name), in: String(resolved.in) };
          // A parameter the files name but do not define (Zendesk's fragments): its name is unknown.
          unresolved.add(JSON.stringify(parameter));
          return { name: '', in: 'unknown' };
        });
        const segments = template.split('/').filter(Boolean);
        operations.push({
          file,
          template,
          pattern: new RegExp(
            '^' +
              segments
                .map((segment) =>
                  /^\{.+\}$/.test(segment)
                    ? '/[^/]+'
                    : '/' +
                      segment
                        // A segment mixing text and a template (`{id}.json`): escape the text, match the template.
                        .split(/\{[^}]+\}/)
                        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
                        .join('[^/]+'),
                )
                .join('') +
              '/?$',
          ),
          literals: segments.filter((segment) => !segment.includes('{')).length,
          method: method.toUpperCase(),
          parameters,
          requestSchema: jsonSchema(op.requestBody),
          responses: Object.fromEntries(
            Object.entries((op.responses ?? {}) as { [code: string]: Json }).map(([code, response]) => [
              code,
              jsonSchema(response),
            ]),
          ),
        });
      }
    }
  }
  const compiled = new Map<Json, ValidateFunction>();
  const validator = (schema: Json) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema as object);
      compiled.set(schema, validate);
    }
    return validate;
  };
  const find = (method: string, pathname: string) =>
    operations
      .filter((op) => op.method === method && op.pattern.test(pathname))
      .sort((left, right) => right.literals - left.literals)[0];

  return {
    unresolved,
    operation(method, pathname) {
      const op = find(method, options.normalizePath?.(pathname) ?? pathname);
      return op && { template: op.template, file: op.file };
    },
    check(call) {
      const where = `${call.method} ${call.path}`;
      const op = find(call.method, options.normalizePath?.(call.path) ?? call.path);
      if (!op) return [`${where}: no operation in the OpenAPI files`];
      const problems: string[] = [];
      const declared = new Set([
        ...op.parameters.filter((p) => p.in === 'query').map((p) => p.name),
        ...(options.commonQuery ?? []),
      ]);
      // With a parameter of unknown name the list is incomplete: do not call any name undeclared.
      const complete = !op.parameters.some((p) => p.in === 'unknown');
      for (const name of Object.keys(call.query))
        if (complete && !declared.has(name))
          problems.push(`${where}: query parameter "${name}" is not declared for ${op.template}`);
      const exchange = call.exchange;
      if (!exchange) return [...problems, `${where}: no bodies captured (call control.captureBodies(true) first)`];
      if (exchange.requestBody !== undefined && exchange.requestBody !== '') {
        // An operation that declares no body is not checked: Zendesk's file omits the body of
        // operations its docs show with one (organizations/create_or_update takes {"organization": …}).
        if (op.requestSchema !== undefined)
          problems.push(...run(validator(op.requestSchema), exchange.requestBody, `${where} request`));
      }
      if (exchange.responseBody !== undefined && exchange.responseBody !== '' && exchange.status !== 204) {
        const status = String(exchange.status);
        const codes = Object.keys(op.responses);
        const key =
          codes.find((code) => code === status) ??
          codes.find((code) => code.toUpperCase() === `${status[0]}XX`) ??
          codes.find((code) => code === 'default') ??
          codes.find((code) => code === options.statusAlias?.[status]);
        const shape = key === undefined ? options.errorShapes?.[status] : undefined;
        const schema = key === undefined ? undefined : op.responses[key];
        if (shape)
          problems.push(...run(validator(shape as Json), exchange.responseBody, `${where} response ${status}`));
        else if (key === undefined)
          problems.push(`${where}: status ${status} is not documented for ${op.template} (${codes.join(', ')})`);
        else if (schema === undefined) problems.push(`${where}: status ${status} documents no JSON body, one came`);
        else
          problems.push(
            ...run(
              validator(branchFor(schema, exchange.responseBody)),
              exchange.responseBody,
              `${where} response ${status}`,
            ),
          );
      }
      return problems;
    },
  };
}

function run(validate: ValidateFunction, text: string, where: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${where}: not JSON`];
  }
  if (validate(body)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((error) => `${where}: ${error.instancePath || '/'} ${error.message} (${error.schemaPath})`);
}

/** Zoho CRM v8 (zoho/crm-oas v8.0, `../shared/fixtures/zoho/oas`), with its documented gaps. */
export const zohoOpenApi = (): OpenApiSpec =>
  loadOpenApi(
    fixturePath('zoho', 'oas'),
    'https://raw.githubusercontent.com/Zohocorp-Pvt-Ltd/crm-oas/refs/heads/main/v8.0/',
    {
      // record.json lists only 200 for writes, whose body already covers per-record errors; Zoho's
      // v8 docs report 201 for inserts and 202/207 when only some records were written (API-FACTS §2.3).
      // It also puts API_Exception under 200 for every operation, which Zoho answers with a 400 (401 INVALID_TOKEN).
      statusAlias: { '201': '200', '202': '200', '207': '200', '400': '200', '401': '200' },
      // notifications.json types channel_id as an object and pins notify_url to the pattern
      // "www[.][a-z]{5}zoho[.]com"; Zoho's v8 "Enable Notifications" page documents channel_id as a
      // long and notify_url as the client's own URL (https://www.zoho.com/crm/developer/docs/api/v8/notifications/enable.html).
      // bulk_write.json types the upload's details.file_id as int64, but Zoho's v8 "Upload File" sample
      // answers it as a string ("file_id": "111111000000541958") and Create Bulk Write Job takes it as a
      // string (Resource.file_id): a 19-digit id as a JSON number would also lose digits in JavaScript.
      unchecked: [
        'bulk_write.json#/components/schemas/Success_Response/properties/details/properties/file_id',
        'notifications.json#/components/schemas/Notification/properties/channel_id',
        'notifications.json#/components/schemas/Notification/properties/notify_url',
      ],
      // fields.json types these as objects without `nullable`, but a plain field has none of them, and
      // Zoho's own SDK samples test each for null before reading it (Zoho CRM TypeScript SDK v2,
      // "Fields Operations" samples, https://www.zoho.com/crm/developer/docs/typescript-sdk/v2/fields-samples.html).
      // Success_Response.duplicate_field likewise: an upsert that inserted matched on no field, and
      // Zoho's v8 "Upsert Records" sample answers `"duplicate_field": null` with `"action": "insert"`
      // (https://www.zoho.com/crm/developer/docs/api/v8/upsert-records.html).
      allowNull: [
        'record.json#/components/schemas/Success_Response/properties/duplicate_field',
        'fields.json#/components/schemas/fields/properties/crypt',
        'fields.json#/components/schemas/fields/properties/tooltip',
        'fields.json#/components/schemas/fields/properties/history_tracking',
      ],
    },
  );

/** Zendesk Support (`../shared/fixtures/zendesk/oas_fragments`, Zendesk's own OpenAPI split by resource). */
export const zendeskOpenApi = (): OpenApiSpec =>
  loadOpenApi(fixturePath('zendesk', 'oas_fragments'), 'https://developer.zendesk.com/zendesk/oas/', {
    // API-FACTS §4.1: `.json` is optional on every path; the files name paths without it.
    normalizePath: (pathname) => pathname.replace(/\.json$/, ''),
    // Cursor pagination is documented once for every list endpoint, not per operation
    // (developer.zendesk.com, "Paginating through lists using cursor pagination").
    commonQuery: ['page[size]', 'page[after]', 'page[before]'],
    // The fragments list only successes. Zendesk's errors: 401 {"error":"Couldn't authenticate you"}
    // (API-FACTS §4.1; OAuth: {"error":"invalid_token",…}); 422 RecordInvalid with per-field details
    // (fixtures/zendesk/error_record_invalid_422.json, Zendesk's own docs example).
    errorShapes: {
      '401': {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'string' }, error_description: { type: 'string' } },
      },
      // Bulk user import off (users fragment ~1235-1241: "A 403 Forbidden error is returned"; the
      // fragments give no body, the simulator sends Zendesk's Forbidden error object).
      '403': {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['title', 'message'],
            properties: { title: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
      '422': {
        type: 'object',
        required: ['error', 'description', 'details'],
        properties: {
          error: { const: 'RecordInvalid' },
          description: { type: 'string' },
          details: {
            type: 'object',
            additionalProperties: {
              type: 'array',
              items: {
                type: 'object',
                required: ['description', 'error'],
                properties: { description: { type: 'string' }, error: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  });

/**
 * Keeps every exchange a sandbox records, across the conformance kit's
 * `clearRequests()` calls (it clears the log between checks): bodies are
 * captured from now on, and what a clear would drop is appended to `into` first.
 */
export function keepExchanges(
  control: { captureBodies(on: boolean): void; clearRequests(): void; requests(): RecordedRequest[] },
  into: RecordedRequest[],
): void {
  control.captureBodies(true);
  const clear = control.clearRequests.bind(control);
  control.clearRequests = () => {
    into.push(...control.requests());
    clear();
  };
}
