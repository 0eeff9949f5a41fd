import {
  referenceTargets,
  salesforceObjectByName,
  salesforceObjects,
  type SalesforceFieldSpec,
  type SalesforceObjectSpec,
} from './salesforce-objects';
import { checkSalesRules, defaultSalesRules, salesDefaults, type SalesRules } from './salesforce-sales-objects';

export interface SalesforceRecord {
  Id: string;
  values: Record<string, unknown>;
  created: number;
  modified: number;
  /** In the Recycle Bin: only `queryAll` still sees it, with `IsDeleted = true`. */
  deleted?: boolean;
}

export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

export type SaveResult = { id?: string; success: boolean; errors: SaveError[]; created?: boolean };

/** Salesforce datetimes in REST JSON: `2024-01-15T10:30:00.000+0000`. */
export const salesforceDateTime = (epochMs: number) => new Date(epochMs).toISOString().replace('Z', '+0000');

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Records per object, with the validation and upsert semantics of sObject Collections. */
export class SalesforceStore {
  private readonly tables = new Map<string, Map<string, SalesforceRecord>>();
  private counter = 0;
  private readonly recycleBin = new Map<string, SalesforceRecord[]>();
  /** Rules of the sales objects whose real behaviour is unconfirmed (switchable). */
  readonly salesRules: SalesRules = { ...defaultSalesRules };

  constructor(private readonly now: () => number) {}

  records(object: string): SalesforceRecord[] {
    return [...(this.tables.get(object)?.values() ?? [])];
  }

  get(object: string, id: string): SalesforceRecord | undefined {
    return this.tables.get(object)?.get(id) ?? this.tables.get(object)?.get(id.slice(0, 15));
  }

  findAll(object: string, field: string, value: unknown): SalesforceRecord[] {
    if (value === null || value === undefined || value === '') return [];
    const wanted = String(value).toLowerCase();
    return this.records(object).filter((record) => {
      const current = field === 'Id' ? record.Id : record.values[field];
      return current !== null && current !== undefined && String(current).toLowerCase() === wanted;
    });
  }

  /** A field as queries see it: stamps in Salesforce's datetime form. */
  read(record: SalesforceRecord, field: string): unknown {
    if (field === 'Id') return record.Id;
    if (field === 'CreatedDate') return salesforceDateTime(record.created);
    if (field === 'LastModifiedDate' || field === 'SystemModstamp') return salesforceDateTime(record.modified);
    if (field === 'IsDeleted') return record.deleted === true;
    if (field === 'OwnerId') return '005000000000001AAA';
    return record.values[field] ?? null;
  }

  insertRaw(object: SalesforceObjectSpec, values: Record<string, unknown>, at: number): SalesforceRecord {
    const record: SalesforceRecord = { Id: this.newId(object), values, created: at, modified: at };
    this.table(object.name).set(record.Id, record);
    return record;
  }

  /**
   * Deletes records as a user does: they go to the Recycle Bin, where `queryAll` still returns them
   * with `IsDeleted = true` and the deletion's `SystemModstamp` ("queryAll ... returns records that
   * have been deleted because of a merge or delete", REST API Developer Guide, QueryAll); `query` no longer does.
   */
  remove(object: string, ids: string[]): string[] {
    const now = this.now();
    return ids.filter((id) => {
      const record = this.get(object, id);
      if (!record) return false;
      this.table(object).delete(record.Id);
      this.bin(object).push(Object.assign(record, { deleted: true, modified: now }));
      return true;
    });
  }

  /** Records in the Recycle Bin, which keeps them 15 days ("Manage Deleted Data", Salesforce Help). */
  deletedRecords(object: string): SalesforceRecord[] {
    const kept = this.now() - 15 * 86_400_000;
    return this.bin(object).filter((record) => record.modified >= kept);
  }

  private bin(object: string): SalesforceRecord[] {
    let bin = this.recycleBin.get(object);
    if (!bin) this.recycleBin.set(object, (bin = []));
    return bin;
  }

  touch(object: string, ids: string[]): string[] {
    const now = this.now();
    return ids.filter((id) => {
      const record = this.get(object, id);
      if (record) record.modified = now;
      return record !== undefined;
    });
  }

  /**
   * `PATCH /composite/sobjects/{Obj}/{ExtField}`: one SaveResult per record in
   * order; with `allOrNone` any failure rolls every record back.
   */
  upsert(
    object: SalesforceObjectSpec,
    externalField: string,
    records: Array<Record<string, unknown>>,
    allOrNone: boolean,
  ): SaveResult[] {
    const snapshot = allOrNone
      ? new Map([...this.table(object.name)].map(([id, record]) => [id, { ...record, values: { ...record.values } }]))
      : undefined;
    const seen = new Map<string, number>();
    records.forEach((record, index) => {
      const key = record[externalField];
      if (key !== undefined && key !== null && externalField !== 'Id')
        seen.set(String(key).toLowerCase(), (seen.get(String(key).toLowerCase()) ?? 0) + (index >= 0 ? 1 : 0));
    });
    const results = records.map((record): SaveResult => {
      const key = record[externalField];
      if (key === undefined || key === null || key === '') {
        if (externalField === 'Id') return this.create(object, record);
        return {
          success: false,
          errors: [{ statusCode: 'MISSING_ARGUMENT', message: `${externalField} not specified`, fields: [] }],
        };
      }
      if (externalField === 'Id' && !salesforceIdPattern.test(String(key)))
        return { success: false, errors: [malformedId(`${object.label} ID`, 'Id', key)] };
      if ((seen.get(String(key).toLowerCase()) ?? 0) > 1) {
        return {
          success: false,
          errors: [
            {
              statusCode: 'DUPLICATE_EXTERNAL_ID',
              message: `Duplicate external id specified: ${String(key)}`,
              fields: [externalField],
            },
          ],
        };
      }
      const matches = this.findAll(object.name, externalField, key);
      if (matches.length > 1) {
        return {
          success: false,
          errors: [
            {
              statusCode: 'DUPLICATE_EXTERNAL_ID',
              message: `${externalField}: more than one record found for external id field: [${matches.map((m) => m.Id).join(', ')}]`,
              fields: [externalField],
            },
          ],
        };
      }
      const existing = matches[0];
      if (!existing) return this.create(object, record);
      const problem =
        this.validate(object, record, false) ??
        this.createOnlyProblem(object, existing, record) ??
        this.rules(object, { ...existing.values, ...this.resolve(object, record) }, false, existing.Id);
      if (problem) return { success: false, errors: [problem] };
      Object.assign(existing.values, this.resolve(object, record));
      existing.modified = this.now();
      return { id: existing.Id, success: true, errors: [], created: false };
    });
    if (allOrNone && results.some((result) => !result.success)) {
      this.tables.set(object.name, snapshot!);
      return results.map((result) =>
        result.success
          ? {
              success: false,
              errors: [
                {
                  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                  message:
                    'Record rolled back because not all records were valid and the request was using AllOrNone header',
                  fields: [],
                },
              ],
            }
          : { success: false, errors: result.errors },
      );
    }
    return results;
  }

  private create(object: SalesforceObjectSpec, record: Record<string, unknown>): SaveResult {
    const problem = this.validate(object, record, true);
    if (problem) return { success: false, errors: [problem] };
    const values = { ...salesDefaults(object.name), ...this.resolve(object, record) };
    const broken = this.rules(object, values, true);
    if (broken) return { success: false, errors: [broken] };
    const created = this.insertRaw(object, values, this.now());
    return { id: created.Id, success: true, errors: [], created: true };
  }

  /** A createable-but-not-updateable field in an update (see `SalesRules.createOnlyOnUpdate`). */
  private createOnlyProblem(
    object: SalesforceObjectSpec,
    existing: SalesforceRecord,
    record: Record<string, unknown>,
  ): SaveError | undefined {
    const same = (left: unknown, right: unknown) =>
      typeof left === 'string' && typeof right === 'string' ? left.slice(0, 15) === right.slice(0, 15) : left === right;
    // Salesforce names every offending field in one error: "Unable to create/update fields: A, B."
    const names = object.fields
      .filter(
        (candidate) =>
          candidate.createOnly &&
          record[candidate.name] !== undefined &&
          (this.salesRules.createOnlyOnUpdate === 'refuse' ||
            !same(existing.values[candidate.name], record[candidate.name])),
      )
      .map((candidate) => candidate.name);
    return names.length > 0
      ? {
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `Unable to create/update fields: ${names.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          fields: names,
        }
      : undefined;
  }

  /** Rules across records (an order item's price book, a custom price after the standard one). */
  private rules(
    object: SalesforceObjectSpec,
    values: Record<string, unknown>,
    creating: boolean,
    id?: string,
  ): SaveError | undefined {
    return checkSalesRules(object.name, values, {
      creating,
      id,
      rules: this.salesRules,
      get: (name, recordId) => this.get(name, recordId)?.values,
      find: (name, field, value) => this.findAll(name, field, value),
    });
  }

  /** Errors in Salesforce's words (statusCode, message, fields). */
  private validate(
    object: SalesforceObjectSpec,
    record: Record<string, unknown>,
    creating: boolean,
  ): SaveError | undefined {
    for (const [name, value] of Object.entries(record)) {
      if (name === 'attributes') continue;
      if (
        name.endsWith('__r') ||
        (!name.endsWith('__c') && object.fields.some((spec) => spec.relationshipName === name))
      ) {
        const spec = object.fields.find(
          (candidate) =>
            candidate.relationshipName === name || candidate.relationshipName === name.replace(/__r$/, '__r'),
        );
        const targets = spec ? referenceTargets(spec) : [];
        // A polymorphic relationship (`What`) names its type in `attributes`; one target needs none.
        const target = salesforceObjectByName.get(
          targets.length === 1
            ? targets[0]!
            : String(((value ?? {}) as { attributes?: { type?: string } }).attributes?.type ?? ''),
        );
        const [field, wanted] =
          Object.entries((value ?? {}) as Record<string, unknown>).find(([key]) => key !== 'attributes') ?? [];
        if (!spec || !target || !field)
          return {
            statusCode: 'INVALID_FIELD',
            message: `No such column '${name}' on sobject of type ${object.name}`,
            fields: [name],
          };
        if (this.findAll(target.name, field, wanted).length === 0) {
          return {
            statusCode: 'INVALID_FIELD',
            message: `Foreign key external ID: ${String(wanted)} not found for field ${field} in entity ${target.name}`,
            fields: [],
          };
        }
        continue;
      }
      const spec = object.fields.find((candidate) => candidate.name === name);
      if (!spec)
        return {
          statusCode: 'INVALID_FIELD',
          message: `No such column '${name}' on sobject of type ${object.name}`,
          fields: [name],
        };
      if (spec.readOnly && name !== 'Id')
        return {
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `Unable to create/update fields: ${name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          fields: [name],
        };
      if (value === null) continue;
      const problem = checkValue(spec, value, (target, id) => this.get(target, String(id)) !== undefined);
      if (problem) return problem;
    }
    const missing = object.fields.filter(
      (spec) =>
        spec.required &&
        !spec.readOnly &&
        !(creating && spec.defaulted) &&
        (creating
          ? record[spec.name] === undefined || record[spec.name] === null || record[spec.name] === ''
          : record[spec.name] === null || record[spec.name] === ''),
    );
    const satisfied = missing.filter((spec) => !(spec.relationshipName && record[spec.relationshipName] !== undefined));
    if (satisfied.length > 0)
      return {
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${satisfied.map((spec) => spec.name).join(', ')}]`,
        fields: satisfied.map((spec) => spec.name),
      };
    return undefined;
  }

  /** Relationship references (`Account__r: { Infor_Customer_Number__c: … }`) become ids. */
  private resolve(object: SalesforceObjectSpec, record: Record<string, unknown>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(record)) {
      if (name === 'attributes' || name === 'Id') continue;
      const relation = object.fields.find((spec) => spec.relationshipName === name);
      if (relation && referenceTargets(relation).length > 0) {
        const targets = referenceTargets(relation);
        const target =
          targets.length === 1 ? targets[0]! : String((value as { attributes?: { type?: string } }).attributes?.type);
        const [field, wanted] = Object.entries(value as Record<string, unknown>).find(([key]) => key !== 'attributes')!;
        values[relation.name] = this.findAll(target, field, wanted)[0]?.Id ?? null;
      } else values[name] = value;
    }
    return values;
  }

  private table(object: string): Map<string, SalesforceRecord> {
    let table = this.tables.get(object);
    if (!table) this.tables.set(object, (table = new Map()));
    return table;
  }

  private newId(object: SalesforceObjectSpec): string {
    this.counter += 1;
    let n = this.counter;
    let body = '';
    for (let index = 0; index < 10; index += 1) {
      body = base62[n % 62] + body;
      n = Math.floor(n / 62);
    }
    // 3-char key prefix + 12-char record part + 3-char case-safety suffix, like a real 18-char id.
    return `${object.keyPrefix}55${body}AAA`;
  }
}

/** A record id is 15 case-sensitive or 18 case-safe alphanumerics (3-char key prefix first). */
export const salesforceIdPattern = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/**
 * What Salesforce answers for a value that cannot be an id, per record: MALFORMED_ID
 * "<label>: id value of incorrect type: <value>" (the status code a lookup given a
 * non-id gets over REST: StevenMMortimer/salesforcer#136).
 */
function malformedId(label: string, field: string, value: unknown): SaveError {
  return {
    statusCode: 'MALFORMED_ID',
    message: `${label}: id value of incorrect type: ${String(value)}`,
    fields: [field],
  };
}

function checkValue(
  spec: SalesforceFieldSpec,
  value: unknown,
  exists: (object: string, id: unknown) => boolean,
): SaveError | undefined {
  const wrong = () => ({
    statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
    message: `${spec.label}: value not of required type: ${String(value)}`,
    fields: [spec.name],
  });
  switch (spec.type) {
    case 'string':
    case 'textarea':
    case 'phone':
    case 'url':
    case 'email':
    case 'picklist': {
      if (typeof value !== 'string' && typeof value !== 'number') return wrong();
      const text = String(value);
      if (spec.length !== undefined && text.length > spec.length) {
        return {
          statusCode: 'STRING_TOO_LONG',
          message: `${spec.label}: data value too large: ${text.slice(0, 80)} (max length=${spec.length})`,
          fields: [spec.name],
        };
      }
      if (spec.type === 'email' && !emailPattern.test(text))
        return {
          statusCode: 'INVALID_EMAIL_ADDRESS',
          message: `${spec.label}: invalid email address: ${text}`,
          fields: [spec.name],
        };
      if (spec.type === 'picklist' && spec.restricted && !spec.picklist?.includes(text)) {
        return {
          statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          message: `${spec.label}: bad value for restricted picklist field: ${text}`,
          fields: [spec.name],
        };
      }
      return undefined;
    }
    case 'int':
      return Number.isInteger(Number(value)) && typeof value !== 'boolean' && value !== '' ? undefined : wrong();
    case 'currency':
    case 'double':
      return Number.isFinite(Number(value)) && typeof value !== 'boolean' && value !== '' ? undefined : wrong();
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrong();
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : wrong();
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : wrong();
    case 'reference': {
      if (typeof value === 'string' && !salesforceIdPattern.test(value))
        return malformedId(spec.label, spec.name, value);
      const targets = referenceTargets(spec);
      // An id of another simulated object (told by its key prefix): FIELD_INTEGRITY_EXCEPTION
      // "<label>: id value of incorrect type: <id>" with the field (a Task's WhoId given an Account id,
      // jsforce/jsforce#1006; a lookup given a group id, mshanemc/roundRobinProcessBuilder#2).
      const owner =
        typeof value === 'string'
          ? salesforceObjects.find((candidate) => value.startsWith(candidate.keyPrefix))
          : undefined;
      if (owner && !targets.includes(owner.name))
        return {
          statusCode: 'FIELD_INTEGRITY_EXCEPTION',
          message: `${spec.label}: id value of incorrect type: ${String(value)}`,
          fields: [spec.name],
        };
      if (typeof value !== 'string' || !targets.some((target) => exists(target, value))) {
        return {
          statusCode: 'INVALID_CROSS_REFERENCE_KEY',
          message: `invalid cross reference id`,
          fields: [spec.name],
        };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
