import { AppError } from '../../../../shared/errors';
import type { CatalogEntry, JsonObject } from '../framework/connector';
import { matches, type CatalogKindReader } from './catalog-kinds';
import { idoCheck, idoHeaders, idoUrl } from './csi-reader';

/** CSI IDOs, from the Mongoose metadata IDO; keys from `info/{ido}`. */
export const csiIdo: CatalogKindReader = {
  /**
   * Mongoose's metadata IDO `IdoCollections` lists the configuration's IDOs (`CollectionName`),
   * loaded like any IDO (unconfirmed through ION: API-FACTS §1.5 names only the swagger
   * `dynamic/api-docs-collection`; a tenant check should confirm it). Keys come per IDO from
   * `info/{ido}` when one is added.
   */
  async list(context, search, signal) {
    const url = `${idoUrl(context, 'load/IdoCollections')}?properties=CollectionName&recordcap=0`;
    const response = await context.http.request({ url, headers: await idoHeaders(context), expect: 'json', signal });
    idoCheck(response.data, 'load IdoCollections');
    const items = (response.data as { Items?: Array<Record<string, unknown>> }).Items ?? [];
    const entries = items
      .map((item) => String(item.CollectionName ?? '').trim())
      .filter((name) => name && matches(search, name))
      .map((name): CatalogEntry => ({
        id: `csi.${name}`,
        name,
        label: name,
        kind: 'csi-ido',
        source: { ido: name, label: name },
      }));
    return { entries, complete: true };
  },
  async describe(context, name, { signal }) {
    const response = await context.http.request({
      url: idoUrl(context, `info/${encodeURIComponent(name)}`),
      headers: await idoHeaders(context),
      expect: 'json',
      signal,
    });
    try {
      idoCheck(response.data, `info ${name}`);
    } catch (error) {
      throw new AppError('E_NOT_FOUND', `CSI has no IDO ${name}: ${(error as Error).message}`, { ido: name });
    }
    const body = response.data as { Keys?: string[]; Properties?: Array<{ Name?: string }> };
    const keys = body.Keys ?? [];
    if (keys.length === 0)
      throw new AppError(
        'E_INVALID_INPUT',
        `CSI IDO ${name} declares no keys (info/${name}): it cannot be synced by key.`,
      );
    const names = new Set((body.Properties ?? []).map((property) => property.Name));
    const source: JsonObject = { ido: name, keys, label: name };
    // RecordDate is the change date of every IDO over a table (API-FACTS §1.5), the default stamp.
    if (!names.has('RecordDate'))
      throw new AppError(
        'E_INVALID_INPUT',
        `CSI IDO ${name} has no RecordDate property (info/${name}): it cannot be synced incrementally.`,
      );
    return { id: `csi.${name}`, name, label: name, kind: 'csi-ido', source };
  },
};
