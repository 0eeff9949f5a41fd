import type { JsonObject, JsonValue, WriteMatch, WriteResult } from '../framework/connector';
import { writeEndpoint, type HookContext } from '../framework/hooks';
import { cin7ListKeys } from './cin7.descriptor';
import type { Cin7Directory } from './cin7-directory';
import { asString, cin7Call, cin7Get, type Cin7Answer } from './cin7-http';
import type { Cin7ProductCatalog } from './cin7-products';

type Party = 'Supplier' | 'Customer';

function failure(answer: Cin7Answer, match?: WriteMatch, targetKey?: string, prefix = ''): WriteResult {
  const first = answer.errors[0];
  const message = answer.errors.map((error) => error.message).join('; ');
  return {
    outcome: 'failed',
    targetKey,
    match,
    error: { code: String(first?.code ?? answer.status), message: prefix + message, field: fieldNamed(message) },
  };
}

/** Cin7 messages name the field in prose ("Name is required", "TaxRule 'X' not found"). */
function fieldNamed(message: string): string | undefined {
  return /^'?([A-Z][A-Za-z0-9]+)'?\s/.exec(message)?.[1];
}

function firstOf(answer: Cin7Answer, listKey: string): Record<string, JsonValue> | undefined {
  const body = answer.data as Record<string, unknown> | undefined;
  const list = body && typeof body === 'object' ? body[listKey] : undefined;
  if (Array.isArray(list)) return list[0] as Record<string, JsonValue> | undefined;
  return body && typeof body === 'object' && 'ID' in body ? (body as Record<string, JsonValue>) : undefined;
}

const duplicateName = (answer: Cin7Answer) =>
  answer.status === 400 && answer.errors.some((error) => /already exists|duplicate|not unique/i.test(error.message));

/** Exact (case-insensitive) name match among the starts-with results of the `Name` filter. */
async function findByName(context: HookContext, entity: Party, name: string): Promise<string | undefined> {
  const body = await cin7Get(context, `/${entity.toLowerCase()}`, {
    Name: name,
    Limit: 100,
    IncludeDeprecated: 'true',
  });
  const list = (body[cin7ListKeys[entity]] ?? []) as Array<Record<string, unknown>>;
  const hit = list.find(
    (item) =>
      String(item.Name ?? '')
        .trim()
        .toLowerCase() === name.toLowerCase(),
  );
  return hit ? String(hit.ID) : undefined;
}

async function idExists(context: HookContext, entity: Party, id: string): Promise<string | undefined> {
  const body = await cin7Get(context, `/${entity.toLowerCase()}`, { ID: id, IncludeDeprecated: 'true' });
  const list = (body[cin7ListKeys[entity]] ?? []) as Array<Record<string, unknown>>;
  const hit = list.find((item) => String(item.ID ?? '').toLowerCase() === id.toLowerCase());
  return hit ? String(hit.Name ?? '') : undefined;
}

/**
 * Suppliers and customers: matched by stored ID, then (unless turned off) by
 * exact name; PUT when matched, POST otherwise. The result says how it matched.
 */
export async function writeParty(
  context: HookContext,
  entity: Party,
  directory: Cin7Directory,
  record: JsonObject,
  byName: boolean,
): Promise<WriteResult> {
  const endpoint = writeEndpoint(context, entity);
  const listKey = cin7ListKeys[entity];
  await directory.ensure(context);
  const id = asString(record.ID);
  const name = asString(record.Name);
  let match: WriteMatch = { by: 'none' };
  if (id) {
    if (directory.hasId(id)) match = { by: 'id', value: id };
    else {
      const found = await idExists(context, entity, id);
      if (found !== undefined) {
        directory.remember(id, found);
        match = { by: 'id', value: id };
      }
    }
  }
  if (match.by === 'none' && byName && name) {
    const found = directory.idForName(name);
    if (found) return put(found, { by: 'name', value: name });
  }
  if (match.by === 'id') return put(id, match);

  const { ID: _ignored, ...fields } = record;
  const created = await cin7Call(context, 'POST', endpoint, { body: fields });
  if (created.errors.length === 0) {
    const saved = firstOf(created, listKey);
    const newId = asString(saved?.ID);
    directory.remember(newId, asString(saved?.Name) || name);
    return { outcome: 'created', targetKey: newId || undefined, match };
  }
  // Created elsewhere since the directory was read: find it by name and update it instead.
  if (byName && name && duplicateName(created)) {
    const found = await findByName(context, entity, name);
    if (found) {
      directory.remember(found, name);
      return put(found, { by: 'name', value: name });
    }
  }
  return failure(created, match);

  async function put(targetId: string, how: WriteMatch): Promise<WriteResult> {
    const updated = await cin7Call(context, 'PUT', endpoint, { body: { ...record, ID: targetId } });
    if (updated.errors.length > 0) return failure(updated, how, targetId);
    const saved = firstOf(updated, listKey);
    directory.remember(targetId, asString(saved?.Name) || name);
    return { outcome: 'updated', targetKey: targetId, match: how };
  }
}

/**
 * Purchases: the header by POST (new) or PUT (with `ID`), then the order lines
 * with POST /purchase/order, which replaces them and is allowed only while the
 * order is DRAFT. Lines come as `Order.Lines` (or `Lines`), one Cin7 line per
 * source line; a line naming its product by `SKU` gets the product's `ProductID`,
 * and an unknown SKU fails the record, naming the line, before anything is written.
 */
export async function writePurchase(
  context: HookContext,
  record: JsonObject,
  products?: Cin7ProductCatalog,
): Promise<WriteResult> {
  const { Order: order, Lines: bareLines, ...header } = record;
  const orderObject = order && typeof order === 'object' && !Array.isArray(order) ? order : undefined;
  const given = orderObject?.Lines ?? bareLines;
  const id = asString(header.ID);
  const match: WriteMatch = id ? { by: 'id', value: id } : { by: 'none' };
  let lines = given;
  if (Array.isArray(given) && products) {
    const resolved = await products.resolveLines(context, given);
    if ('failure' in resolved) return { ...resolved.failure, match, targetKey: id || undefined };
    lines = resolved.lines;
  }
  const saved = await cin7Call(context, id ? 'PUT' : 'POST', writeEndpoint(context, 'Purchase'), { body: header });
  if (saved.errors.length > 0) return failure(saved, match, id || undefined);
  const purchaseId = asString(firstOf(saved, 'PurchaseList')?.ID) || id;
  const outcome = id ? 'updated' : 'created';
  if (!Array.isArray(lines)) return { outcome, targetKey: purchaseId, match };
  const ordered = await cin7Call(context, 'POST', `${writeEndpoint(context, 'Purchase')}/order`, {
    body: {
      TaskID: purchaseId,
      Status: asString(orderObject?.Status) || 'DRAFT',
      Memo: orderObject?.Memo ?? '',
      Lines: lines,
      AdditionalCharges: orderObject?.AdditionalCharges ?? [],
    },
  });
  if (ordered.errors.length > 0) {
    return failure(ordered, match, purchaseId, `Purchase ${purchaseId} was saved, but Cin7 refused its order lines: `);
  }
  return { outcome, targetKey: purchaseId, match };
}
