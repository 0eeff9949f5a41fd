import { createRandom, hash32, uuidFrom } from '../kit';
import { attributeOf, navigationOf, tableByLogicalName, type AttributeSpec, type TableSpec } from './dynamics-tables';
import { detailProductProblem, plainValueForLookup } from './dynamics-orders';

/**
 * Rows of the simulated tables, with Dataverse's write rules: column
 * validation with its own error codes and messages, alternate-key indexes,
 * `@odata.bind` resolution, duplicate-detection rules and an undo journal so
 * change sets and UpsertMultiple can be all-or-nothing.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Row {
  id: string;
  values: Record<string, Json>;
  version: number;
  createdon: number;
  modifiedon: number;
}

/** An error answered as `{"error":{"code","message"}}` with its HTTP status. */
export class DataverseFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const codes = {
  /** Unknown property or undeclared navigation property. */
  unknownProperty: '0x80060888',
  /** OData payload could not be read (wrong JSON type for a column). */
  payload: '0x80048d19',
  /** Length exceeded. */
  maxLength: '0x80044331',
  /** Option set value outside the valid range. */
  optionSet: '0x8004431a',
  /** A record with matching key values already exists. */
  duplicateKey: '0x80040237',
  /** Duplicate-detection rule hit. */
  duplicateDetected: '0x80040333',
  /** Record does not exist. */
  notFound: '0x80040217',
  /** Required column missing (InvalidArgument). */
  required: '0x80040203',
  /** Row version mismatch on If-Match. */
  concurrency: '0x80060882',
} as const;

const isoSeconds = (instant: number) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StoreOptions {
  seed: number;
  /** Dataverse enforces only SystemRequired through the API; forms enforce ApplicationRequired. Default false. */
  enforceApplicationRequired: boolean;
  /** Status of a duplicate-detection error; sources disagree (API-FACTS §5.3). Default 500. */
  duplicateStatus: 500 | 412;
}

export class DataverseStore {
  private readonly rows = new Map<string, Map<string, Row>>();
  private readonly keyIndex = new Map<string, Map<string, string>>();
  private journal: Array<() => void> | null = null;
  private idCounter = 0;

  constructor(
    readonly options: StoreOptions,
    private readonly now: () => number,
  ) {
    for (const table of tableByLogicalName.values()) this.rows.set(table.logicalName, new Map());
  }

  all(table: TableSpec): Row[] {
    return [...(this.rows.get(table.logicalName)?.values() ?? [])];
  }

  get(table: TableSpec, id: string): Row | undefined {
    return this.rows.get(table.logicalName)?.get(id.toLowerCase());
  }

  /** By primary id (`{id: guid}`) or by the columns of an active alternate key. */
  find(table: TableSpec, key: Record<string, Json>): Row | undefined {
    const names = Object.keys(key);
    if (names.length === 1 && names[0] === table.primaryId) return this.get(table, String(key[table.primaryId]));
    const index = this.keyIndex.get(indexName(table, names));
    const id = index?.get(keyText([...names].sort().map((name) => key[name] ?? null)));
    return id ? this.get(table, id) : undefined;
  }

  /** The alternate key matching these columns, or a 400 like Dataverse's for an undefined or inactive key. */
  checkKey(table: TableSpec, names: string[]): void {
    if (names.length === 1 && names[0] === table.primaryId) return;
    const sorted = [...names].sort().join(',');
    const found = table.keys.find((key) => [...key.attributes].sort().join(',') === sorted);
    if (!found) {
      throw new DataverseFault(
        400,
        codes.unknownProperty,
        `The key attributes (${names.join(', ')}) are not defined as an alternate key of the entity '${table.logicalName}'.`,
      );
    }
    if (found.status !== 'Active') {
      throw new DataverseFault(
        400,
        '0x80048d18',
        `The alternate key '${found.name}' of the entity '${table.logicalName}' is not active (status ${found.status}).`,
      );
    }
  }

  /** Runs `work` all-or-nothing: on a throw every change it made is undone. */
  atomic<T>(work: () => T): T {
    const outer = this.journal;
    const journal: Array<() => void> = [];
    this.journal = journal;
    try {
      const result = work();
      if (outer) outer.push(...journal);
      return result;
    } catch (error) {
      for (const undo of journal.reverse()) undo();
      throw error;
    } finally {
      this.journal = outer;
    }
  }

  newId(table: TableSpec): string {
    this.idCounter += 1;
    return uuidFrom(createRandom(hash32(this.options.seed, table.logicalName, 'new', this.idCounter)));
  }

  /**
   * Checks a request body and turns it into column values: types, lengths,
   * option sets, `@odata.bind` targets. `resolve` maps a bind value to a row id.
   */
  validate(
    table: TableSpec,
    body: Record<string, unknown>,
    mode: 'create' | 'update',
    resolve: (value: string, target: string) => string | undefined,
  ): Record<string, Json> {
    const values: Record<string, Json> = {};
    for (const [name, value] of Object.entries(body)) {
      if (name.startsWith('@odata.')) continue;
      if (name.endsWith('@odata.bind')) {
        const navigation = name.slice(0, -'@odata.bind'.length);
        const link = navigationOf(table, navigation);
        if (!link) {
          throw new DataverseFault(
            400,
            codes.unknownProperty,
            `An undeclared property '${navigation}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
          );
        }
        if (value === null) {
          values[link.attribute.name] = null;
          continue;
        }
        const id = typeof value === 'string' ? resolve(value, link.target) : undefined;
        if (!id)
          throw new DataverseFault(404, codes.notFound, `${link.target} With Id = ${bindText(value)} Does Not Exist`);
        values[link.attribute.name] = id;
        continue;
      }
      const attribute = attributeOf(table, name);
      // A lookup written as a value ("EUR") rather than bound: refused by the OData reader (dynamics-orders.ts).
      if (attribute?.targets?.some((target) => target.navigation === name) && value !== null)
        throw new DataverseFault(400, codes.payload, plainValueForLookup(name));
      if (!attribute || attribute.attributeOf || attribute.targets) {
        throw new DataverseFault(
          400,
          codes.unknownProperty,
          `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${table.logicalName}'.`,
        );
      }
      // Dataverse ignores columns that are not valid for the operation (createdon, versionnumber, …).
      if (mode === 'create' ? attribute.create === false : attribute.update === false) continue;
      values[name] = this.checkValue(table, attribute, value);
    }
    if (mode === 'create') {
      this.checkRequired(table, values);
      const product = detailProductProblem(table, values);
      if (product) throw new DataverseFault(400, codes.required, product);
    }
    return values;
  }

  private checkValue(table: TableSpec, attribute: AttributeSpec, value: unknown): Json {
    if (value === null) return null;
    const convert = (edm: string) =>
      new DataverseFault(
        400,
        codes.payload,
        `Error identified in Payload provided by the user for Entity :'${table.setName}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : Microsoft.OData.ODataException: Cannot convert the literal '${literal(value)}' to the expected type '${edm}'.`,
      );
    switch (attribute.type) {
      case 'String':
      case 'Memo': {
        if (typeof value !== 'string') throw convert('Edm.String');
        if (attribute.maxLength !== undefined && value.length > attribute.maxLength) {
          throw new DataverseFault(
            400,
            codes.maxLength,
            `A validation error occurred. The length of the '${attribute.name}' attribute of the '${table.logicalName}' entity exceeded the maximum allowed length of '${attribute.maxLength}'.`,
          );
        }
        return value;
      }
      case 'Integer':
      case 'BigInt':
        if (typeof value !== 'number' || !Number.isInteger(value))
          throw convert(attribute.type === 'BigInt' ? 'Edm.Int64' : 'Edm.Int32');
        return value;
      case 'Decimal':
      case 'Money':
      case 'Double':
        if (typeof value !== 'number' || !Number.isFinite(value))
          throw convert(attribute.type === 'Double' ? 'Edm.Double' : 'Edm.Decimal');
        return value;
      case 'Boolean':
        if (typeof value !== 'boolean') throw convert('Edm.Boolean');
        return value;
      case 'DateTime':
        if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw convert('Edm.DateTimeOffset');
        return isoSeconds(Date.parse(value));
      case 'Picklist':
      case 'State':
      case 'Status': {
        if (typeof value !== 'number' || !Number.isInteger(value)) throw convert('Edm.Int32');
        const allowed = (attribute.options ?? []).map(([option]) => option);
        if (!allowed.includes(value)) {
          throw new DataverseFault(
            400,
            codes.optionSet,
            `A validation error occurred. The value ${value} of '${attribute.name}' on record of type '${table.logicalName}' is outside the valid range. Accepted Values: ${allowed.join(',')}`,
          );
        }
        return value;
      }
      case 'Uniqueidentifier':
        if (typeof value !== 'string' || !guidPattern.test(value)) throw convert('Edm.Guid');
        return value.toLowerCase();
      default:
        throw convert('Edm.String');
    }
  }

  private checkRequired(table: TableSpec, values: Record<string, Json>): void {
    for (const attribute of table.attributes) {
      const level = attribute.required ?? 'None';
      const enforced =
        level === 'SystemRequired' || (level === 'ApplicationRequired' && this.options.enforceApplicationRequired);
      // The primary id and the owner are filled in by the platform.
      if (
        !enforced ||
        attribute.name === table.primaryId ||
        attribute.name === 'ownerid' ||
        attribute.name === 'statecode'
      )
        continue;
      if (values[attribute.name] === undefined || values[attribute.name] === null) {
        throw new DataverseFault(
          400,
          codes.required,
          `Attribute: ${attribute.name} cannot be set to NULL. A value is required to create a ${table.logicalName}.`,
        );
      }
    }
  }

  /** Published duplicate rules (case-insensitive equality on the rule's columns), only when the caller asked for detection. */
  checkDuplicates(table: TableSpec, values: Record<string, Json>, self?: Row): void {
    for (const rule of table.duplicateRules) {
      const wanted = rule.map((name) => (values[name] ?? self?.values[name] ?? null) as Json);
      if (wanted.some((value) => value === null || value === '')) continue;
      const normal = keyText(wanted).toLowerCase();
      const clash = this.all(table).find(
        (row) => row !== self && keyText(rule.map((name) => row.values[name] ?? null)).toLowerCase() === normal,
      );
      if (clash) {
        throw new DataverseFault(
          this.options.duplicateStatus,
          codes.duplicateDetected,
          'A record was not created or updated because a duplicate of the current record already exists.',
        );
      }
    }
  }

  create(table: TableSpec, values: Record<string, Json>, id?: string): Row {
    const rowId = (id ?? this.newId(table)).toLowerCase();
    if (this.get(table, rowId))
      throw new DataverseFault(412, codes.duplicateKey, 'A record with matching key values already exists.');
    const now = this.now();
    const row: Row = {
      id: rowId,
      values: { statecode: 0, statuscode: 1, ...values },
      version: this.nextVersion(),
      createdon: now,
      modifiedon: now,
    };
    this.checkUniqueKeys(table, row);
    this.rows.get(table.logicalName)!.set(rowId, row);
    this.indexRow(table, row, true);
    this.journal?.push(() => {
      this.indexRow(table, row, false);
      this.rows.get(table.logicalName)!.delete(rowId);
    });
    return row;
  }

  update(table: TableSpec, row: Row, values: Record<string, Json>): Row {
    const before = { values: { ...row.values }, version: row.version, modifiedon: row.modifiedon };
    const next = { ...row, values: { ...row.values, ...values } };
    this.checkUniqueKeys(table, next);
    this.indexRow(table, row, false);
    Object.assign(row, { values: next.values, version: this.nextVersion(), modifiedon: this.now() });
    this.indexRow(table, row, true);
    this.journal?.push(() => {
      this.indexRow(table, row, false);
      Object.assign(row, before);
      this.indexRow(table, row, true);
    });
    return row;
  }

  remove(table: TableSpec, row: Row): void {
    this.indexRow(table, row, false);
    this.rows.get(table.logicalName)!.delete(row.id);
    // Change tracking reports deletions after a delta token (`$deletedEntity` entries): keep when.
    const removal = { table: table.logicalName, id: row.id, version: this.nextVersion() };
    this.removals.push(removal);
    this.journal?.push(() => {
      this.rows.get(table.logicalName)!.set(row.id, row);
      this.indexRow(table, row, true);
      this.removals.splice(this.removals.indexOf(removal), 1);
    });
  }

  /** Rows deleted from a table after a row version (change tracking's deleted entries), oldest first. */
  removedSince(table: TableSpec, version: number): Array<{ id: string; version: number }> {
    return this.removals.filter((removal) => removal.table === table.logicalName && removal.version > version);
  }

  /** The newest row version handed out: what a delta token remembers. */
  currentVersion(): number {
    return this.versionCounter;
  }

  /** Moves modification stamps (sandbox control), e.g. to test incremental reads. */
  touch(table: TableSpec, row: Row, at: number): void {
    row.modifiedon = at;
    row.version = this.nextVersion();
  }

  /** The record as a GET returns it: every column, lookups as `_x_value`, `…Z` datetimes, the row version as ETag. */
  representation(table: TableSpec, row: Row, select?: string[]): Record<string, Json> {
    const body: Record<string, Json> = { '@odata.etag': `W/"${row.version}"` };
    for (const attribute of table.attributes) {
      if (attribute.attributeOf) continue;
      const name = attribute.targets ? `_${attribute.name}_value` : attribute.name;
      if (select && !select.includes(attribute.name) && !select.includes(name)) continue;
      let value: Json = row.values[attribute.name] ?? null;
      if (attribute.name === table.primaryId) value = row.id;
      else if (attribute.name === 'createdon') value = isoSeconds(row.createdon);
      else if (attribute.name === 'modifiedon') value = isoSeconds(row.modifiedon);
      else if (attribute.name === 'versionnumber') value = row.version;
      else if (attribute.name === 'fullname' && table.logicalName === 'contact')
        value = [row.values.firstname, row.values.lastname].filter(Boolean).join(' ') || null;
      body[name] = value;
    }
    return body;
  }

  private versionCounter = 1_000_000;
  private readonly removals: Array<{ table: string; id: string; version: number }> = [];
  private nextVersion(): number {
    this.versionCounter += 1;
    return this.versionCounter;
  }

  private checkUniqueKeys(table: TableSpec, row: Row): void {
    for (const key of table.keys) {
      const tuple = [...key.attributes].sort().map((name) => row.values[name] ?? null);
      if (tuple.some((value) => value === null)) continue;
      const existing = this.keyIndex.get(indexName(table, key.attributes))?.get(keyText(tuple));
      if (existing && existing !== row.id) {
        throw new DataverseFault(
          412,
          codes.duplicateKey,
          `A record that has the attribute values ${key.attributes.join(', ')} already exists. The entity key ${key.name} requires that this set of attributes contains unique values. Select unique values and try again.`,
        );
      }
    }
  }

  private indexRow(table: TableSpec, row: Row, add: boolean): void {
    for (const key of table.keys) {
      const tuple = [...key.attributes].sort().map((name) => row.values[name] ?? null);
      if (tuple.some((value) => value === null)) continue;
      const name = indexName(table, key.attributes);
      const index = this.keyIndex.get(name) ?? new Map<string, string>();
      this.keyIndex.set(name, index);
      if (add) index.set(keyText(tuple), row.id);
      else if (index.get(keyText(tuple)) === row.id) index.delete(keyText(tuple));
    }
  }
}

function indexName(table: TableSpec, names: string[]): string {
  return `${table.logicalName}:${[...names].sort().join(',')}`;
}

function keyText(values: Json[]): string {
  return JSON.stringify(values.map((value) => (value === null ? null : String(value))));
}

function literal(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function bindText(value: unknown): string {
  const text = String(value);
  return /\(([^)]*)\)/.exec(text)?.[1] ?? text;
}
