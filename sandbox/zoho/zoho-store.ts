import { zohoModuleByName, type ZohoFieldSpec, type ZohoModuleSpec } from './zoho-modules';
import { checkValue, formatZohoDateTime, storedValue, type ValueProblem } from './zoho-values';

interface MandatoryProblem {
  code: 'MANDATORY_NOT_FOUND';
  message: string;
  details: Record<string, unknown>;
}

/** A stored record: API values plus stamps kept as numbers for ordering and filters. */
export interface StoredRecord {
  id: string;
  values: Record<string, unknown>;
  createdAt: number;
  modifiedAt: number;
}

export interface DeletedRecord {
  module: string;
  id: string;
  displayName: string;
  deletedAt: number;
}

export type WriteMode = 'insert' | 'update' | 'upsert';

export interface RecordAnswer {
  ok: boolean;
  body: Record<string, unknown>;
}

export interface ZohoStoreOptions {
  timeZoneOffset: string;
  now: () => number;
  user: { id: string; name: string };
  /** Called after every change (notifications). */
  onChange?: (module: string, operation: 'insert' | 'update', ids: string[], fields: string[]) => void;
}

/** Per-module in-memory records with Zoho's write rules: validation, duplicate checks, per-record answers. */
export class ZohoStore {
  private readonly modules = new Map<string, Map<string, StoredRecord>>();
  /**
   * `findBy` lookups per module and field (lower-cased value → first record), built
   * on first use and kept current on every write, so upserting n records is not n².
   */
  private readonly indexes = new Map<string, Map<string, Map<string, StoredRecord>>>();
  /** Real Zoho record ids are 19 digits (API-FACTS §10), past 2^53: they only survive as strings. */
  private nextId = 4_150_868_000_001_000_000n;

  constructor(private readonly options: ZohoStoreOptions) {}

  records(module: string): StoredRecord[] {
    return [...(this.modules.get(module)?.values() ?? [])];
  }

  get(module: string, id: string): StoredRecord | undefined {
    return this.modules.get(module)?.get(id);
  }

  count(module: string): number {
    return this.modules.get(module)?.size ?? 0;
  }

  findBy(module: string, field: string, value: unknown): StoredRecord | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    return this.index(module, field).get(String(value).toLowerCase());
  }

  private index(module: string, field: string): Map<string, StoredRecord> {
    const fields = this.indexes.get(module) ?? new Map<string, Map<string, StoredRecord>>();
    this.indexes.set(module, fields);
    let index = fields.get(field);
    if (!index) {
      index = new Map();
      for (const record of this.records(module)) {
        const key = indexKey(record.values[field]);
        if (key !== undefined && !index.has(key)) index.set(key, record);
      }
      fields.set(field, index);
    }
    return index;
  }

  /** Keeps built indexes true after `record` changed from `before` (undefined: new record). */
  private reindex(module: string, record: StoredRecord, before: Record<string, unknown> | undefined): void {
    const fields = this.indexes.get(module);
    if (!fields) return;
    for (const [field, index] of fields) {
      const oldKey = before ? indexKey(before[field]) : undefined;
      const newKey = indexKey(record.values[field]);
      if (oldKey === newKey && before) continue;
      // Another record may share the old value: rebuild this field's index lazily.
      if (oldKey !== undefined && index.get(oldKey) === record) fields.delete(field);
      else if (newKey !== undefined && !index.has(newKey)) index.set(newKey, record);
    }
  }

  /** The API view of a record: `fields` chosen (all when undefined), datetimes in the org's offset. */
  view(module: ZohoModuleSpec, record: StoredRecord, fields?: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { id: record.id };
    for (const spec of module.fields) {
      if (spec.api === 'id' || (fields && !fields.includes(spec.api))) continue;
      if (spec.api === 'Created_Time')
        out[spec.api] = formatZohoDateTime(record.createdAt, this.options.timeZoneOffset);
      else if (spec.api === 'Modified_Time')
        out[spec.api] = formatZohoDateTime(record.modifiedAt, this.options.timeZoneOffset);
      else if (spec.api === 'Owner' || spec.api === 'Created_By' || spec.api === 'Modified_By')
        out[spec.api] = { ...this.options.user, email: 'admin@example.com' };
      else out[spec.api] = record.values[spec.api] ?? (spec.type === 'boolean' ? false : null);
    }
    return out;
  }

  /** Seeds a record without validation (initial data), stamped `at`. */
  seed(module: string, values: Record<string, unknown>, at: number): StoredRecord {
    const record: StoredRecord = { id: this.newId(), values, createdAt: at, modifiedAt: at };
    this.table(module).set(record.id, record);
    this.reindex(module, record, undefined);
    return record;
  }

  /**
   * Deletes records as a Zoho user would (to the recycle bin): they leave the lists and join the
   * deleted-records feed (`GET /{module}/deleted`, Zoho CRM v8 "Get Deleted Records"; fields as the
   * v8 OAS `Deleted_Record`, fixtures/zoho/oas/record.json: id, display_name, type, deleted_by,
   * created_by, deleted_time).
   */
  remove(module: string, ids: string[], displayField: string): string[] {
    const now = this.options.now();
    const done: string[] = [];
    for (const id of ids) {
      const record = this.get(module, id);
      if (!record) continue;
      this.modules.get(module)!.delete(id);
      this.indexes.delete(module);
      this.deletedLog.push({
        module,
        id,
        displayName: String(record.values[displayField] ?? ''),
        deletedAt: now,
      });
      done.push(id);
    }
    return done;
  }

  /** Deleted records of a module, oldest deletion first. */
  deleted(module: string): DeletedRecord[] {
    return this.deletedLog.filter((entry) => entry.module === module);
  }

  private readonly deletedLog: DeletedRecord[] = [];

  /** Touches records as if a user edited them (sandbox `modify` action). */
  touch(module: string, ids: string[], values: Record<string, unknown> = {}): string[] {
    const now = this.options.now();
    const done: string[] = [];
    for (const id of ids) {
      const record = this.get(module, id);
      if (!record) continue;
      const before = { ...record.values };
      Object.assign(record.values, values);
      this.reindex(module, record, before);
      record.modifiedAt = now;
      done.push(id);
    }
    if (done.length) this.options.onChange?.(module, 'update', done, Object.keys(values));
    return done;
  }

  /** One answer per input row, in order, exactly as Zoho's `data[i]`. */
  write(module: ZohoModuleSpec, rows: unknown[], mode: WriteMode, duplicateCheckFields?: string[]): RecordAnswer[] {
    const inserted: string[] = [];
    const updated: string[] = [];
    const touched = new Set<string>();
    const answers = rows.map((row, index) => {
      const answer = this.writeOne(module, row, index, mode, duplicateCheckFields);
      if (answer.ok) {
        const details = answer.body.details as { id: string };
        (answer.body.action === 'insert' ? inserted : updated).push(details.id);
        Object.keys(row as object).forEach((key) => touched.add(key));
      }
      return answer;
    });
    if (inserted.length) this.options.onChange?.(module.api, 'insert', inserted, [...touched]);
    if (updated.length) this.options.onChange?.(module.api, 'update', updated, [...touched]);
    return answers;
  }

  private writeOne(
    module: ZohoModuleSpec,
    row: unknown,
    index: number,
    mode: WriteMode,
    duplicateCheckFields?: string[],
  ): RecordAnswer {
    const path = (field: string) => `$.data[${index}].${field}`;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      return error('INVALID_DATA', 'invalid data', {
        expected_data_type: 'jsonobject',
        api_name: 'data',
        json_path: `$.data[${index}]`,
      });
    }
    const input = row as Record<string, unknown>;
    let target: StoredRecord | undefined;
    let duplicateField: string | null = null;
    if (mode === 'update') {
      target = typeof input.id === 'string' ? this.get(module.api, input.id) : undefined;
      if (!target)
        return error('INVALID_DATA', 'the id given seems to be invalid', { api_name: 'id', json_path: path('id') });
    } else if (mode === 'upsert') {
      for (const field of this.matchOrder(module, duplicateCheckFields)) {
        const found = this.findBy(module.api, field, input[field]);
        if (found) {
          target = found;
          duplicateField = field;
          break;
        }
      }
    }
    const problem = this.validate(module, input, !target, path);
    if (problem) return { ok: false, body: { ...problem, status: 'error' } };
    for (const spec of module.fields) {
      if (!(spec.unique || spec.external) || input[spec.api] === undefined) continue;
      const other = this.findBy(module.api, spec.api, input[spec.api]);
      if (other && other !== target) {
        return error('DUPLICATE_DATA', 'duplicate data', {
          api_name: spec.api,
          json_path: path(spec.api),
          duplicate_record: { id: other.id, module: { api_name: module.api, id: '4150868000000002175' } },
        });
      }
    }
    const now = this.options.now();
    const values = this.toStored(module, input);
    const action = target ? 'update' : 'insert';
    if (target) {
      const before = { ...target.values };
      Object.assign(target.values, values);
      target.modifiedAt = now;
      this.reindex(module.api, target, before);
    } else {
      target = { id: this.newId(), values, createdAt: now, modifiedAt: now };
      this.table(module.api).set(target.id, target);
      this.reindex(module.api, target, undefined);
    }
    const stamp = (at: number) => formatZohoDateTime(at, this.options.timeZoneOffset);
    return {
      ok: true,
      body: {
        code: 'SUCCESS',
        duplicate_field: duplicateField,
        action,
        details: {
          Modified_Time: stamp(target.modifiedAt),
          Modified_By: this.options.user,
          Created_Time: stamp(target.createdAt),
          id: target.id,
          Created_By: this.options.user,
        },
        message: action === 'insert' ? 'record added' : 'record updated',
        status: 'success',
      },
    };
  }

  /**
   * API-FACTS §2.3: with `duplicate_check_fields` the listed fields first, then
   * the other unique fields (a system key not listed is not checked); without,
   * the system key first, then the user-defined unique fields.
   */
  private matchOrder(module: ZohoModuleSpec, listed?: string[]): string[] {
    const unique = module.fields.filter((spec) => spec.unique || spec.external).map((spec) => spec.api);
    if (listed && listed.length) return [...listed, ...unique.filter((name) => !listed.includes(name))];
    return [module.systemKey, ...unique.filter((name) => name !== module.systemKey)];
  }

  private validate(
    module: ZohoModuleSpec,
    input: Record<string, unknown>,
    creating: boolean,
    path: (field: string) => string,
  ): ValueProblem | MandatoryProblem | undefined {
    for (const spec of module.fields) {
      const value = input[spec.api];
      if (value === undefined || value === null || spec.readOnly) continue;
      const problem = checkValue(
        spec,
        value,
        path(spec.api),
        (lookupModule, id) => this.get(lookupModule, id) !== undefined,
      );
      if (problem) return problem;
      if (spec.type === 'subform' && spec.subform) {
        const sub = zohoModuleByName.get(spec.subform);
        const lines = value as unknown[];
        for (let line = 0; sub && line < lines.length; line += 1) {
          const item = lines[line];
          const itemPath = (field: string) => `${path(spec.api)}[${line}].${field}`;
          if (typeof item !== 'object' || item === null)
            return {
              code: 'INVALID_DATA' as const,
              message: 'invalid data',
              details: {
                expected_data_type: 'jsonobject',
                api_name: spec.api,
                json_path: `${path(spec.api)}[${line}]`,
              },
            };
          const lineProblem = this.validate(sub, item as Record<string, unknown>, true, itemPath);
          if (lineProblem) return lineProblem;
        }
      }
    }
    for (const spec of module.fields) {
      if (!spec.mandatory) continue;
      const value = input[spec.api];
      const missing =
        value === undefined ? creating : value === null || value === '' || (Array.isArray(value) && value.length === 0);
      if (missing)
        return {
          code: 'MANDATORY_NOT_FOUND' as const,
          message: 'required field not found',
          details: { api_name: spec.api, json_path: path(spec.api) },
        };
    }
    return undefined;
  }

  private toStored(module: ZohoModuleSpec, input: Record<string, unknown>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    const nameOf = (lookupModule: string, id: string) => {
      const found = this.get(lookupModule, id);
      const spec = zohoModuleByName.get(lookupModule);
      return found && spec ? String(found.values[spec.systemKey] ?? '') : undefined;
    };
    for (const spec of module.fields) {
      if (spec.readOnly || input[spec.api] === undefined) continue;
      if (spec.type === 'subform' && spec.subform && Array.isArray(input[spec.api])) {
        const sub = zohoModuleByName.get(spec.subform)!;
        values[spec.api] = (input[spec.api] as Array<Record<string, unknown>>).map((line) => ({
          id: this.newId(),
          ...this.toStored(sub, line),
        }));
      } else values[spec.api] = storedValue(spec, input[spec.api], nameOf);
    }
    return values;
  }

  private table(module: string): Map<string, StoredRecord> {
    let table = this.modules.get(module);
    if (!table) this.modules.set(module, (table = new Map()));
    return table;
  }

  private newId(): string {
    this.nextId += 1n;
    return String(this.nextId);
  }
}

function error(code: string, message: string, details: Record<string, unknown>): RecordAnswer {
  return { ok: false, body: { code, details, message, status: 'error' } };
}

export type { ZohoFieldSpec };

function indexKey(value: unknown): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : String(value).toLowerCase();
}
