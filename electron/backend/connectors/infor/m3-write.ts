import { isAppError } from '../../../../shared/errors';
import type { JsonObject, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import { exportColumns, stripPrefix, type ExportColumn } from './m3-export';
import { toInputs, transactionInputs } from './m3-inputs';
import { checkMatchKey, existingKeys, keyOf } from './m3-lookup';
import { m3WriteEntity, type M3WriteEntity } from './m3-write-entities';

/**
 * M3 as a target (issue 16): customers through CRS610MI, suppliers through CRS620MI, upserts by
 * key. Every write looks first (query-first dedup): one EXPORTMI select of the key column per
 * batch says which keys exist, so a record is changed when its key exists and added otherwise, and
 * a rerun never duplicates.
 *
 * - Customers: `CRS610MI/Add` with the customer template from the connection (`m3CustomerTemplate`,
 *   CUTM is mandatory on Add), or `CRS610MI/ChgBasicData` with only the fields the mapping set.
 * - Suppliers: AddSupplier has 23 mandatory inputs (M3H5 catalogue) that a CRM record rarely carries,
 *   so with `m3SupplierTemplate` set a new supplier is `CRS620MI/CopyTemplate` (STEM, SUNO) followed
 *   by `UpdSupplier` with the mapped fields; without a template it is `AddSupplier`, and a record
 *   missing a mandatory input fails naming it. Existing suppliers get `UpdSupplier`.
 *
 * Before any call each record is checked against the live metadata: the transaction's inputs and
 * their mandatory flags (`MRS001MI/LstFields TRTP=I`) and the table's column types and lengths
 * (`EXPORTMI/LstFields`): a field the transaction does not take, a missing mandatory input, a value
 * too long, a non-numeric N or a date that is not one fail that record naming the field. What M3
 * itself refuses fails the record with M3's text, code and field (E_REMOTE). A value the mapping did
 * not set, or set to null or "", is not sent: M3 treats a blank input as "no change", and MI has no
 * way to blank a field.
 */

export const failed = (code: string, message: string, field?: string): WriteResult => ({
  outcome: 'failed',
  error: { code, message, ...(field ? { field } : {}) },
});

const alreadyExists = (error: unknown) =>
  isAppError(error) && (error.details as { code?: string } | undefined)?.code === 'XRE0104';

/** M3's own refusal of one record (NOK text, code, field), or undefined for errors that are not the record's. */
export function recordRefusal(error: unknown): WriteResult | undefined {
  if (!isAppError(error) || error.code !== 'E_REMOTE') return undefined;
  const details = (error.details ?? {}) as { code?: string; field?: string; type?: string; status?: number };
  // A refusal names a type or code; a bare failure (HTTP 5xx, no body) is the call's, not the record's.
  if (!details.type && !details.code) return undefined;
  // M3's own code (XRE0104) or error type (InputFieldTooLong), as other targets report theirs.
  return failed(details.code || details.type || 'E_REMOTE', error.message, details.field);
}

/**
 * One batch, in order. Transport and sign-in failures end the batch by throwing (a rerun is safe:
 * the lookup finds what was already written); a record M3 refuses fails alone.
 */
export async function m3WriteBatch(
  context: HookContext,
  entity: string,
  records: JsonObject[],
  matchKey: string[],
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const spec = m3WriteEntity(entity);
  checkMatchKey(spec, matchKey);
  const columns = new Map(
    (await exportColumns(context, spec.table, signal)).map((column) => [stripPrefix(column.name), column]),
  );
  const template = String(context.settings[spec.templateSetting] ?? '').trim();
  const existing = await existingKeys(
    context,
    spec,
    records.map((record) => keyOf(record, spec.key)),
    signal,
  );
  const results: WriteResult[] = [];
  for (const record of records) {
    signal?.throwIfAborted();
    const key = keyOf(record, spec.key);
    if (!key) {
      results.push(failed('E_INVALID_INPUT', `${spec.key} is the match key and the record has none.`, spec.key));
      continue;
    }
    try {
      const result = existing.has(key)
        ? await change(context, spec, record, key, columns, signal)
        : await create(context, spec, record, key, template, columns, signal);
      // A second record with the same key in this batch changes what the first created.
      if (result.outcome === 'created') existing.add(key);
      results.push(result);
    } catch (error) {
      const refusal = recordRefusal(error);
      if (!refusal) throw error;
      results.push(refusal);
    }
  }
  return results;
}

async function change(
  context: HookContext,
  spec: M3WriteEntity,
  record: JsonObject,
  key: string,
  columns: Map<string, ExportColumn>,
  signal?: AbortSignal,
): Promise<WriteResult> {
  const where = `${spec.program}/${spec.change}`;
  const inputs = await transactionInputs(context, spec.program, spec.change, signal);
  const checked = toInputs(record, where, inputs, columns, new Set([spec.key]));
  if (!checked.ok) return failed('E_INVALID_INPUT', checked.message, checked.field);
  const { [spec.key]: _key, ...fields } = checked.input;
  const match = { by: 'id' as const, value: key };
  if (Object.keys(fields).length === 0) return { outcome: 'unchanged', targetKey: key, match };
  await m3Execute(context, spec.program, spec.change, { ...fields, [spec.key]: key }, { maxrecs: 1, signal });
  return { outcome: 'updated', targetKey: key, match };
}

async function create(
  context: HookContext,
  spec: M3WriteEntity,
  record: JsonObject,
  key: string,
  template: string,
  columns: Map<string, ExportColumn>,
  signal?: AbortSignal,
): Promise<WriteResult> {
  const match = { by: 'none' as const };
  if (spec.copy && template) {
    // Supplier from a template: CopyTemplate creates it, UpdSupplier sets the mapped fields.
    const where = `${spec.program}/${spec.change}`;
    const inputs = await transactionInputs(context, spec.program, spec.change, signal);
    const checked = toInputs(record, where, inputs, columns, new Set([spec.key]));
    if (!checked.ok) return failed('E_INVALID_INPUT', checked.message, checked.field);
    try {
      await m3Execute(
        context,
        spec.program,
        spec.copy.transaction,
        { [spec.copy.templateInput]: template, [spec.key]: key },
        { maxrecs: 1, signal },
      );
    } catch (error) {
      // As for Add: an existing supplier (since the lookup, or a retried copy) is changed instead.
      if (!alreadyExists(error)) throw error;
      return change(context, spec, record, key, columns, signal);
    }
    const { [spec.key]: _key, ...fields } = checked.input;
    if (Object.keys(fields).length > 0) {
      try {
        await m3Execute(context, spec.program, spec.change, { ...fields, [spec.key]: key }, { maxrecs: 1, signal });
      } catch (error) {
        const refusal = recordRefusal(error);
        if (!refusal?.error) throw error;
        // The copy exists: the next run finds it and changes it; say so rather than hide it.
        refusal.error.message = `${refusal.error.message} (supplier ${key} was created from template ${template} but not updated)`;
        return { ...refusal, targetKey: key };
      }
    }
    return { outcome: 'created', targetKey: key, match };
  }
  const where = `${spec.program}/${spec.add}`;
  const required = new Set<string>([spec.key]);
  const call: Record<string, string> = {};
  if (spec.addTemplateInput) {
    if (!template)
      return failed(
        'E_INVALID_INPUT',
        `A new M3 customer needs a customer template (CUTM): set “Customer template” (${spec.templateSetting}) on the Infor connection.`,
        spec.addTemplateInput,
      );
    call[spec.addTemplateInput] = template;
    required.add(spec.addTemplateInput);
  }
  const inputs = await transactionInputs(context, spec.program, spec.add, signal);
  const checked = toInputs(record, where, inputs, columns, required);
  if (!checked.ok) {
    const hint =
      spec.copy && inputs.get(checked.field)?.mandatory
        ? ` Or set “Supplier template” (${spec.templateSetting}) to create suppliers from a template.`
        : '';
    return failed('E_INVALID_INPUT', `${checked.message}${hint}`, checked.field);
  }
  let answer;
  try {
    answer = await m3Execute(
      context,
      spec.program,
      spec.add,
      { ...call, ...checked.input, [spec.key]: key },
      { maxrecs: 1, signal },
    );
  } catch (error) {
    // XRE0104: the record exists after all — created since the lookup, or by this very Add when the
    // gateway lost its answer and the call was retried. Either way the record is there: change it.
    if (!alreadyExists(error)) throw error;
    return change(context, spec, record, key, columns, signal);
  }
  const given = answer.records[0]?.[spec.key]?.trim();
  return { outcome: 'created', targetKey: given || key, match };
}
