import type { SimulatorContext } from '../../kit';
import type { LinesBehaviour } from '../behaviour-lines';
import type { Row } from '../data/collection';
import type { InforData } from '../data/records';
import { itemId, type Ido, type IdoProperty } from './csi-idos';

/**
 * Mongoose `POST update/{ido}?refresh=true` (UpdateCollection; API-FACTS §1.5 and
 * fixtures/infor/mongoose_v2_misc_responses.json): `{"Changes":[{"Action":1|2|4,"ItemId",
 * "Properties":[{"Name","Value","Modified","IsNull"}],"UpdateLocking"}]}` → `{"Success":true,
 * "Message":null,"RefreshItems":[{Action,ItemId,ItemNo,Properties:[{IsNestedCollection,IsNull,
 * Modified,Name,OriginalValue,Value}],UpdateLocking}]}` (null without `refresh=true`). Functional
 * errors are HTTP 200 `Success:false` with a message, and the whole request is refused (API-FACTS:
 * treat as all-or-nothing). The exact message texts are unconfirmed (no public sample): they name
 * the property, the key or the ItemId as Mongoose does.
 *
 * Served: insert (1) and update (2) of SLCustomers (bill-to rows, CustSeq 0) and SLVendors. An
 * update names its row by the `_ItemId` the load gave (`PBT=[table] alias.DT=[RecordDate]
 * alias.ID=[RowPointer]`): a DT that is no longer the row's is the optimistic lock refusing a stale
 * row, in the words the switch `csiStaleItem` picks (behaviour-lines.ts). Writes land in the same
 * overlay M3 writes use, so every view (CSI, M3, LN, FSM) shows them.
 *
 * Fault effect read here: `csiConcurrentEdit: true` — another user saves each row the request updates
 * just before it is applied (its RecordDate moves on), so the request's ItemIds are stale.
 */

/** CSI properties that are neutral fields of a party (so M3 and the other views show the change). */
const m3ColumnOf: Record<'SLCustomers' | 'SLVendors', Record<string, string>> = {
  SLCustomers: {
    Name: 'CUNM',
    Addr_1: 'CUA1',
    Addr_2: 'CUA2',
    Phone: 'PHNO',
    ExternalEmailAddr: 'MAIL',
    Contact: 'YREF',
    TaxRegNum1: 'VRNO',
  },
  SLVendors: { Name: 'SUNM', Phone: 'PHNO', TaxRegNum1: 'VRNO' },
};

const knownTopLevel = new Set([
  'Changes',
  'IDOName',
  'RefreshAfterSave',
  'CustomInsert',
  'CustomUpdate',
  'CustomDelete',
]);

interface Change {
  action: 1 | 2;
  itemId: string;
  values: Record<string, string | null>;
}

type Parsed = { ok: true; changes: Change[] } | { ok: false; message: string };

function parse(body: unknown, ido: Ido): Parsed {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, message: 'The request body is not an UpdateCollection request.' };
  const request = body as Record<string, unknown>;
  const unknown = Object.keys(request).find((name) => !knownTopLevel.has(name));
  if (unknown) return { ok: false, message: `"${unknown}" is not a member of an UpdateCollection request.` };
  if (request.IDOName !== undefined && String(request.IDOName) !== ido.name)
    return { ok: false, message: `IDOName "${String(request.IDOName)}" does not match the IDO ${ido.name}.` };
  if (!Array.isArray(request.Changes) || request.Changes.length === 0)
    return { ok: false, message: 'The request has no Changes.' };
  const changes: Change[] = [];
  for (const raw of request.Changes as unknown[]) {
    const change = (raw ?? {}) as Record<string, unknown>;
    const action = Number(change.Action);
    if (action === 4) return { ok: false, message: 'Deletes are not served by this simulator.' };
    if (action !== 1 && action !== 2) return { ok: false, message: `Action ${String(change.Action)} is not valid.` };
    if (!Array.isArray(change.Properties)) return { ok: false, message: 'A change has no Properties.' };
    const values: Record<string, string | null> = {};
    for (const item of change.Properties as unknown[]) {
      const property = (item ?? {}) as Record<string, unknown>;
      const name = String(property.Name ?? '');
      const spec = ido.properties.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      if (!spec) return { ok: false, message: `Property "${name}" does not exist on IDO ${ido.name}.` };
      if (property.Modified !== true) continue;
      if (spec.readOnly) return { ok: false, message: `Property "${spec.name}" is read-only on IDO ${ido.name}.` };
      const value = property.IsNull === true || property.Value === null ? null : String(property.Value ?? '');
      const invalid = checkValue(spec, value);
      if (invalid) return { ok: false, message: invalid };
      values[spec.name] = value;
    }
    changes.push({ action, itemId: String(change.ItemId ?? ''), values });
  }
  return { ok: true, changes };
}

function checkValue(spec: IdoProperty, value: string | null): string | undefined {
  if (value === null) return spec.required ? `Property "${spec.name}" is required and cannot be null.` : undefined;
  if (spec.dataType === 'String' && value.length > spec.length)
    return `The value of "${spec.name}" is ${value.length} characters; the maximum is ${spec.length}.`;
  if ((spec.dataType === 'Decimal' || spec.dataType === 'Integer' || spec.dataType === 'Byte') && value.trim() !== '') {
    const pattern = spec.dataType === 'Decimal' ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
    if (!pattern.test(value.trim())) return `"${value}" is not a valid ${spec.dataType} for property "${spec.name}".`;
  }
  return undefined;
}

/** The row an ItemId names, by its RowPointer (`alias.ID=[…]`); undefined when no row has it. */
function rowOfItem(data: InforData, ido: Ido, item: string): { index: number; row: Row } | undefined {
  const pointer = /\.ID=\[([^\]]+)\]/.exec(item)?.[1]?.toUpperCase();
  if (!pointer) return undefined;
  const dataset = data.datasets[ido.entity];
  for (let index = 0; index < dataset.size; index += 1) {
    const [row] = ido.rows(data, index);
    if (row && String(row.RowPointer) === pointer) return { index, row };
  }
  return undefined;
}

export async function idoUpdate(
  context: SimulatorContext,
  ido: Ido,
  data: InforData,
  behaviour: LinesBehaviour,
): Promise<void> {
  const fail = (message: string) => context.json(200, { Success: false, Message: message, RefreshItems: null });
  if (ido.name !== 'SLCustomers' && ido.name !== 'SLVendors')
    return fail(`IDO ${ido.name}: updates are not served by this simulator.`);
  const entity = ido.name === 'SLCustomers' ? 'customers' : 'suppliers';
  let body: unknown;
  try {
    body = (await context.body()).json();
  } catch {
    return fail('The request body is not valid JSON.');
  }
  const parsed = parse(body, ido);
  if (!parsed.ok) return fail(parsed.message);
  const dataset = data.datasets[entity];
  // Every change is checked before any is applied: the request is all or nothing.
  const planned: Array<{ change: Change; key: string; index?: number }> = [];
  for (const change of parsed.changes) {
    if (change.action === 1) {
      for (const spec of ido.properties)
        if (spec.required && (change.values[spec.name] === undefined || change.values[spec.name] === ''))
          return fail(`Property "${spec.name}" is required.`);
      if (ido.name === 'SLCustomers' && Number(change.values.CustSeq) !== 0)
        return fail('Ship-to sequences (CustSeq other than 0) are not served by this simulator.');
      const key = String(change.values[ido.keyField]);
      if (dataset.indexOf(key) !== undefined || planned.some((entry) => entry.key === key))
        return fail(`${ido.name}: a record with ${ido.keyField} "${key}" already exists.`);
      planned.push({ change, key });
      continue;
    }
    let found = rowOfItem(data, ido, change.itemId);
    if (!found) return fail(`${ido.name}: the record ${change.itemId} does not exist.`);
    if (context.fault?.effect.csiConcurrentEdit === true) {
      dataset.modify([found.index], Math.max(Date.now(), dataset.stamp(found.index) + 1_000));
      found = rowOfItem(data, ido, change.itemId)!;
    }
    if (itemId(ido, found.row) !== change.itemId)
      return fail(
        behaviour.csiStaleItem === 'missingRow'
          ? `${ido.name}: the record ${change.itemId} does not exist.`
          : `${ido.name}: the record was changed by another user since it was loaded (${change.itemId}).`,
      );
    for (const name of ido.keys)
      if (change.values[name] !== undefined && String(change.values[name]) !== String(found.row[name]))
        return fail(`Property "${name}" is a key of ${ido.name} and cannot be changed.`);
    planned.push({ change, key: String(found.row[ido.keyField]), index: found.index });
  }
  const now = Date.now();
  const refreshed = planned.map(({ change, key, index }, itemNo) => {
    const columns: Record<string, string> = {};
    for (const [name, value] of Object.entries(change.values)) {
      const column = m3ColumnOf[ido.name as 'SLCustomers' | 'SLVendors'][name];
      if (column) columns[column] = value ?? '';
    }
    const written = data.writeParty(entity, key, columns, now, index === undefined);
    const overlay = data.written[entity].get(written)!;
    overlay.idoValues = { ...overlay.idoValues, ...change.values };
    const [row] = ido.rows(data, written);
    return {
      Action: change.action,
      ItemId: itemId(ido, row!),
      ItemNo: itemNo,
      Properties: ido.properties.map((spec) => ({
        IsNestedCollection: false,
        IsNull: row![spec.name] === null || row![spec.name] === undefined,
        Modified: false,
        Name: spec.name,
        OriginalValue: null,
        Value: row![spec.name] ?? null,
      })),
      UpdateLocking: 0,
    };
  });
  context.json(200, {
    Success: true,
    Message: null,
    RefreshItems: context.query.get('refresh') === 'true' ? refreshed : null,
  });
}
