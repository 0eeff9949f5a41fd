import { AppError } from '../../../../shared/errors';
import { DescriptorConnector, type ConnectorEnvironment } from '../framework/connector-runtime';
import type { ConnectorHooks, HookContext } from '../framework/hooks';
import { csiReadSlots, listConfigurations } from './csi-reader';
import { fsmReadSlots, fsmUrl } from './fsm-reader';
import { obtainInforToken, revokeInforToken, tokenClaims } from './infor-auth';
import { inforCatalog, inforCatalogEntry } from './infor-catalog';
import { csiSchema, fsmSchema, lnSchema, m3Schema } from './infor-schema';
import {
  productLines,
  resolveSources,
  type CsiSource,
  type FsmSource,
  type LnSource,
  type M3Source,
  type ProductLine,
} from './infor-sources';
import { inforDescriptorFor } from './infor.descriptor';
import { lnReadSlots, lnUrl } from './ln-reader';
import { m3Execute } from './m3-api';
import { readM3, type M3StampForms } from './m3-reader';
import { m3Lookup } from './m3-lookup';
import { m3WriteBatch } from './m3-write';
import { lineWriteHooks } from './infor-line-writes';
import { m3PurchaseLookup } from './m3-purchase-lookup';
import { m3PurchaseWriteBatch } from './m3-purchase-write';
import { csiLookup, csiWriteBatch } from './csi-write';
import { checkTenant } from './tenant-check';

/** M3 when none is set (the first test detects the real one); a value that is not a product line is refused, not read as M3. */
export function productLineOf(settings: Record<string, unknown>): ProductLine {
  const value = settings.productLine;
  if (value === undefined || value === null || value === '') return 'm3';
  if (!(productLines as readonly string[]).includes(String(value))) {
    throw new AppError(
      'E_INVALID_INPUT',
      `Infor: the product line “${String(value)}” is not one of ${productLines.join(', ')}.`,
      { field: 'productLine' },
    );
  }
  return value as ProductLine;
}

function hooksFor(
  productLine: ProductLine,
  sources: Partial<Record<string, unknown>>,
  settings: Record<string, unknown>,
): ConnectorHooks {
  const sourceOf = <T>(entity: string): T => {
    const source = sources[entity];
    if (!source)
      throw new AppError('E_NOT_FOUND', `Infor ${productLine.toUpperCase()} has no source configured for ${entity}.`);
    return source as T;
  };
  return {
    obtainToken: obtainInforToken,
    revokeToken: revokeInforToken,
    ...readSlots(productLine, sourceOf),
    // Built-in and picked entities go through the same readers and schema discovery: no special cases.
    discoverSchema(context, entity) {
      switch (productLine) {
        case 'm3':
          return m3Schema(context, entity, sourceOf<M3Source>(entity));
        case 'csi':
          return csiSchema(context, entity, sourceOf<CsiSource>(entity));
        case 'ln':
          return lnSchema(context, entity, sourceOf<LnSource>(entity));
        case 'fsm':
          return fsmSchema(context, entity, sourceOf<FsmSource>(entity));
      }
    },
    ...(productLine === 'm3'
      ? {
          lookup: (context, entity, matchKey, values, signal) =>
            entity === 'purchaseOrders'
              ? m3PurchaseLookup(context, matchKey, values, signal)
              : m3Lookup(context, entity, matchKey, values, signal),
          writeBatch: (context, entity, records, matchKey, options) =>
            entity === 'purchaseOrders'
              ? m3PurchaseWriteBatch(context, records, matchKey, options?.signal)
              : m3WriteBatch(context, entity, records, matchKey, options?.signal),
        }
      : productLine === 'csi'
        ? {
            lookup: (context, entity, matchKey, values, signal) =>
              csiLookup(context, entity, sourceOf<CsiSource>(entity), matchKey, values, signal),
            writeBatch: (context, entity, records, matchKey, options) =>
              csiWriteBatch(context, entity, sourceOf<CsiSource>(entity), records, matchKey, options?.signal),
          }
        : lineWriteHooks(productLine, sourceOf)),
    catalog: (context, query, signal) => inforCatalog(context, productLine, query, signal),
    catalogEntry: (context, kind, name, options) => inforCatalogEntry(context, productLine, kind, name, options),
    async probe() {
      return { tenant: String(settings.tenant ?? ''), variant: productLine };
    },
  };
}

/**
 * How each product line reads. LN and FSM follow next links, which the runtime's paginator executes
 * from the descriptor plus slots, as it does CSI's Mongoose bookmarks. M3 keeps its own `readPages`:
 * EXPORTMI key windows split at the median key, column chunks joined by key and lines per page of
 * heads (m3-reader.ts) are a conversation the descriptor cannot state.
 */
function readSlots(productLine: ProductLine, sourceOf: <T>(entity: string) => T): Partial<ConnectorHooks> {
  switch (productLine) {
    case 'm3': {
      // Each table's LMTS form, once the data showed it, for later (delta) reads of this connection.
      const stampForms: M3StampForms = new Map();
      return {
        readPages: (context, entity, options) =>
          readM3(context, entity, sourceOf<M3Source>(entity), options, stampForms),
      };
    }
    case 'csi':
      return csiReadSlots((entity) => sourceOf<CsiSource>(entity));
    case 'ln':
      return lnReadSlots((entity) => sourceOf<LnSource>(entity));
    case 'fsm':
      return fsmReadSlots((entity) => sourceOf<FsmSource>(entity));
  }
}

/**
 * Infor CloudSuite connector for one connection; the product line comes from
 * the `productLine` setting (chosen by the user, read from the file's scopes,
 * or detected on the first connection test).
 */
export class InforConnector extends DescriptorConnector {
  readonly productLine: ProductLine;

  constructor(environment: ConnectorEnvironment) {
    const productLine = productLineOf(environment.connection.settings);
    const settings = environment.connection.settings;
    const sources = resolveSources(productLine, settings.entitySources) as Record<string, unknown>;
    super(inforDescriptorFor(productLine, sources), hooksFor(productLine, sources, settings), environment);
    this.productLine = productLine;
  }

  override async test(options: { signal?: AbortSignal } = {}) {
    const result = await super.test(options);
    const token = this.tokens?.peek();
    if (result.ok && token) {
      const claims = tokenClaims(token.accessToken);
      if (typeof claims.Tenant === 'string') result.tenant = claims.Tenant;
      const identity = claims.Identity2 ?? claims.sub ?? claims.client_id;
      if (typeof identity === 'string') result.identity = identity;
    }
    return result;
  }

  /** Whether the gateway serves this product line for the tenant (a cheap metadata call). */
  async serves(productLine: ProductLine, signal?: AbortSignal): Promise<boolean> {
    try {
      await probeCall(this.context, productLine, signal);
      return true;
    } catch (error) {
      // Only "this gateway has no such API" means no; sign-in and network failures answer for every line.
      if (error instanceof AppError && (stopsDetection.has(error.code) || error.code.startsWith('E_NET_'))) throw error;
      return false;
    }
  }

  /** CSI: the configurations (sites) the server lists, for the person to choose one (`mongooseConfig`). */
  async csiConfigurations(signal?: AbortSignal): Promise<string[]> {
    return listConfigurations(this.context, signal);
  }

  /** The tenant check (tenant-check.ts): read-only probes of what this product line's reads assume. */
  checkTenant(options: Parameters<typeof checkTenant>[2] = {}) {
    return checkTenant(this.context, this.productLine, options);
  }

  /** Probes each product line in turn through this connector's client; undefined when none answers. */
  async detectProductLine(signal?: AbortSignal): Promise<ProductLine | undefined> {
    for (const line of productLines) if (await this.serves(line, signal)) return line;
    return undefined;
  }
}

const stopsDetection = new Set<string>([
  'E_AUTH_FAILED',
  'E_AUTH_REFRESH_FAILED',
  'E_SECRET_UNAVAILABLE',
  'E_HTTP_HOST_NOT_ALLOWED',
  'E_HTTP_INSECURE',
]);

async function probeCall(context: HookContext, productLine: ProductLine, signal?: AbortSignal): Promise<void> {
  const expectOk = (status: number, what: string) => {
    if (status >= 400) throw new AppError('E_REMOTE', `${what} answered HTTP ${status}.`);
  };
  switch (productLine) {
    case 'm3':
      await m3Execute(context, 'MRS001MI', 'LstTransactions', { MINM: 'CRS610MI' }, { maxrecs: 1, signal });
      return;
    case 'csi': {
      await listConfigurations(context, signal);
      return;
    }
    case 'ln': {
      const response = await context.http.request({
        url: lnUrl(context, 'tcapi.comBusinessPartner', '$metadata'),
        signal,
        passStatuses: [400, 403, 404],
      });
      expectOk(response.status, 'LN $metadata');
      return;
    }
    case 'fsm': {
      const response = await context.http.request({
        url: `${fsmUrl(context, 'classes')}?_links=true&_out=JSON`,
        expect: 'json',
        signal,
        passStatuses: [400, 403, 404],
      });
      expectOk(response.status, 'FSM classes');
      return;
    }
  }
}

const scopeHints: Array<[RegExp, ProductLine]> = [
  [/\bInfor-M3\b/i, 'm3'],
  [/\bInfor-(CSI|SyteLine|CloudSuiteIndustrial|Mongoose)\b/i, 'csi'],
  [/\bInfor-LN\b/i, 'ln'],
  [/\bInfor-(FSM|Landmark|Lawson)\b/i, 'fsm'],
];

/** The product line named by `.ionapi` scopes (`sc`), when exactly one is. */
export function productLineFromScopes(scopes: string | undefined): ProductLine | undefined {
  if (!scopes) return undefined;
  const found = new Set(scopeHints.filter(([pattern]) => pattern.test(scopes)).map(([, line]) => line));
  return found.size === 1 ? [...found][0] : undefined;
}
