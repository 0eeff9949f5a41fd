import type { JsonObject, LookupHit, WriteOptions, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import type { SalesforceHooks } from './salesforce.hooks';

/* Create-only fields (createable, not updateable) on upserts that update: see `keepCreateOnly`. */

/** Two values of one field alike; record ids compare by their 15-character case-sensitive form. */
function sameValue(left: unknown, right: unknown): boolean {
  const id = (value: unknown) => typeof value === 'string' && /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value);
  return id(left) && id(right) ? String(left).slice(0, 15) === String(right).slice(0, 15) : left === right;
}

/** The run note for create-only fields kept out of updates. */
export function createOnlyNote(object: string, fields: string[]): string {
  return `Salesforce ${object}: ${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} set when a record is created and kept as ${fields.length === 1 ? 'it is' : 'they are'} on updates.`;
}

/**
 * Salesforce refuses an upsert that updates a record when the body carries a createable but not
 * updateable field, whatever its value (INVALID_FIELD_FOR_INSERT_UPDATE "Unable to create/update
 * fields: OrderId, …"; tablexi/restforce-db PR #49). A mapping sets those fields for the create,
 * so such a refusal means the record exists: when every field it names is create-only and the
 * record holds the value the flow sends, the records go again once without them, in one call
 * (`resend`: a collections call, or a second bulk job). A different value (a line moved to
 * another order) is a change Salesforce cannot make, so that record keeps Salesforce's refusal,
 * as does one naming any other field.
 */
export async function keepCreateOnly(
  system: {
    createOnlyFields(object: string): Promise<string[]>;
    lookup: NonNullable<SalesforceHooks['lookup']>;
  },
  context: HookContext,
  object: string,
  key: string,
  sent: Array<{ record: JsonObject; index: number }>,
  results: Array<WriteResult | undefined>,
  refusedFields: (item: { record: JsonObject; index: number }, position: number) => string[] | undefined,
  resend: (records: JsonObject[]) => Promise<WriteResult[] | undefined>,
  options: Pick<WriteOptions, 'signal' | 'onWarning'> | undefined,
): Promise<void> {
  const refused = sent
    .map((item, position) => ({ ...item, fields: refusedFields(item, position) ?? [] }))
    .filter(
      ({ record, fields }) =>
        fields.length > 0 && typeof record[key] === 'string' && fields.every((name) => Object.hasOwn(record, name)),
    );
  if (refused.length === 0) return;
  const createOnly = new Set(await system.createOnlyFields(object));
  const candidates = refused.filter(({ fields }) => fields.every((name) => createOnly.has(name)));
  if (candidates.length === 0) return;
  const named = [...new Set(candidates.flatMap(({ fields }) => fields))];
  // A lookup that fails leaves Salesforce's refusals as they are; a cancelled run still stops.
  const stored = await system
    .lookup(
      context,
      object,
      key,
      candidates.map(({ record }) => String(record[key])),
      options?.signal,
      named,
    )
    .catch((error: unknown) => {
      if (options?.signal?.aborted) throw error;
      return new Map<string, LookupHit>();
    });
  const again = candidates.filter(({ record, fields }) => {
    const hit = stored.get(String(record[key]));
    return hit !== undefined && fields.every((name) => sameValue(hit.data[name], record[name]));
  });
  if (again.length === 0) return;
  const answers = await resend(
    again.map(({ record, fields }) =>
      Object.fromEntries(Object.entries(record).filter(([name]) => !fields.includes(name))),
    ),
  );
  // A refused resend leaves the first answer (Salesforce's own refusal) on those records.
  if (!answers) return;
  answers.forEach((result, position) => {
    results[again[position]!.index] = result;
  });
  const kept = named.filter((name) =>
    again.some(({ fields }, position) => answers[position]?.outcome !== 'failed' && fields.includes(name)),
  );
  if (kept.length > 0) options?.onWarning?.(createOnlyNote(object, kept));
}

/** The fields a bulk row's INVALID_FIELD_FOR_INSERT_UPDATE names ("Unable to create/update fields: A, B."). */
export const bulkRefusedFields = (result: WriteResult | undefined): string[] | undefined => {
  if (result?.outcome !== 'failed' || result.error?.code !== 'INVALID_FIELD_FOR_INSERT_UPDATE') return undefined;
  const listed = /^Unable to create\/update fields: ([^.]+)\./.exec(result.error.message)?.[1];
  return listed?.split(',').map((name) => name.trim());
};
