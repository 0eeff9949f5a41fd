import { AppError } from '../../../../shared/errors';
import type { CatalogEntry, JsonObject } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { matches, type CatalogKindReader } from './catalog-kinds';
import { fsmUrl } from './fsm-reader';
import { fsmSampleSize } from './infor-schema';

/** FSM business classes, from `classes` or a typed name. */
export const fsmClass: CatalogKindReader = {
  /**
   * `…/soap/classes?_links=true` (API-FACTS §1.7, unconfirmed). A tenant that does not list its
   * classes answers 404: then only a typed class name can be picked, verified by a one-record list.
   */
  async list(context, search, signal, named) {
    const response = await context.http.request({
      url: `${fsmUrl(context, 'classes')}?_links=true&_out=JSON`,
      expect: 'json',
      signal,
      passStatuses: [400, 403, 404],
    });
    if (response.status >= 400) {
      if (!/^[A-Z][A-Za-z0-9]+$/.test(search)) return { entries: [], complete: false };
      try {
        return { entries: [await fsmClassEntry(context, search, signal)], complete: true };
      } catch (error) {
        if (!named && error instanceof AppError && error.code === 'E_NOT_FOUND')
          return { entries: [], complete: false };
        throw error;
      }
    }
    const items = Array.isArray(response.data) ? (response.data as Array<{ _fields?: Record<string, unknown> }>) : [];
    const entries = items
      .map((item) => item._fields)
      .filter((fields): fields is Record<string, unknown> => Boolean(fields?.BusinessClass))
      .map((fields) => ({ name: String(fields.BusinessClass), description: String(fields.Description ?? '') }))
      .filter((item) => matches(search, item.name, item.description))
      .map((item): CatalogEntry => ({
        id: `fsm.${item.name}`,
        name: item.name,
        label: item.description || item.name,
        kind: 'fsm-class',
        description: item.description || undefined,
        source: { className: item.name, label: item.description || item.name },
      }));
    return { entries, complete: true };
  },
  describe: describeFsmClass,
};

/** A typed FSM class that exists (a one-record list answers), for the search results. */
async function fsmClassEntry(context: HookContext, name: string, signal?: AbortSignal): Promise<CatalogEntry> {
  const url = `${fsmUrl(context, `classes/${encodeURIComponent(name)}/lists/_generic`)}?_fields=_all&_limit=1&_out=JSON`;
  const response = await context.http.request({ url, expect: 'json', signal, passStatuses: [400, 404] });
  if (response.status >= 400)
    throw new AppError('E_NOT_FOUND', `FSM has no business class ${name} (HTTP ${response.status}).`, {
      className: name,
    });
  return { id: `fsm.${name}`, name, label: name, kind: 'fsm-class', source: { className: name, label: name } };
}

/**
 * An FSM class, verified by listing a sample of its records (`_fields=_all`). No public source
 * gives a class's key (API-FACTS §10): the person names the fields, or the class's own field (with
 * its group, `VendorGroup` + `Vendor`) stands in; either way the sample must show them and no two
 * sampled records may share a key, else sync would merge records.
 */
async function describeFsmClass(
  context: HookContext,
  name: string,
  options: { keys?: string[]; signal?: AbortSignal } = {},
): Promise<CatalogEntry> {
  const url = `${fsmUrl(context, `classes/${encodeURIComponent(name)}/lists/_generic`)}?_fields=_all&_limit=${fsmSampleSize}&_out=JSON`;
  const response = await context.http.request({
    url,
    expect: 'json',
    signal: options.signal,
    passStatuses: [400, 404],
  });
  if (response.status >= 400)
    throw new AppError('E_NOT_FOUND', `FSM has no business class ${name} (HTTP ${response.status}).`, {
      className: name,
    });
  const rows = (Array.isArray(response.data) ? (response.data as Array<{ _fields?: Record<string, unknown> }>) : [])
    .map((item) => item._fields)
    .filter((fields): fields is Record<string, unknown> => Boolean(fields));
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const guessed = [`${name}Group`, name].filter((field) => fields.includes(field));
  const keys = options.keys ?? (guessed.includes(name) ? guessed : []);
  if (keys.length === 0)
    throw new AppError(
      'E_INVALID_INPUT',
      `FSM does not say which fields identify a ${name}: name its key fields (sampled fields: ${fields.join(', ') || 'none, the class has no records'}).`,
      { field: 'keys', fields },
    );
  const missing = keys.filter((key) => !fields.includes(key));
  if (missing.length > 0)
    throw new AppError('E_INVALID_INPUT', `FSM ${name} has no field ${missing.join(', ')} in its records.`, {
      field: 'keys',
      fields,
    });
  const seen = new Set<string>();
  for (const row of rows) {
    const key = JSON.stringify(keys.map((field) => row[field] ?? null));
    if (seen.has(key))
      throw new AppError(
        'E_INVALID_INPUT',
        `FSM ${name}: ${keys.join(' + ')} does not identify one record each (two sampled records share ${key}); name more key fields.`,
        { field: 'keys', fields },
      );
    seen.add(key);
  }
  const source: JsonObject = { className: name, keys, label: name };
  if (fields.includes('UpdateStamp')) source.stamp = 'UpdateStamp';
  return { id: `fsm.${name}`, name, label: name, kind: 'fsm-class', source };
}
