import { createSandboxServer, type SandboxControl, type SimulatorContext } from '../kit';
import { InforData, inforEntities, type InforEntity } from './data/records';
import { registerCsiRoutes } from './csi/csi-routes';
import { registerFsmRoutes } from './fsm/fsm-routes';
import { InforAuth } from './infor-auth';
import { linesBehaviour, type LinesBehaviour, type LinesBehaviourInput } from './behaviour-lines';
import { buildIonapi, writeIonapiFile, type IonapiKind } from './ionapi';
import { registerLnRoutes } from './ln/ln-routes';
import { m3Handler } from './m3/m3-routes';

/**
 * Infor CloudSuite sandbox: the ION authorization server and API gateway with M3, CSI, LN
 * and FSM behind it, on one loopback port. Contract: briefs/infor-interface.md.
 */
export type { InforEntity } from './data/records';
export type { IonapiKind } from './ionapi';
export type { LinesBehaviour, LinesBehaviourInput } from './behaviour-lines';

export interface InforSandboxOptions {
  /** 0/undefined = free port; binds 127.0.0.1 only. */
  port?: number;
  /** Default 'MLC_SANDBOX'. */
  tenant?: string;
  /** Deterministic data and credentials; default 1. */
  seed?: number;
  /** Records per entity (defaults: customers 1000, suppliers 200, salesOrders 2000, purchaseOrders 500, invoices 1500, glAccounts 60). Scales to millions: records are generated on demand. */
  counts?: Partial<Record<InforEntity, number>>;
  /** Default 7200. */
  tokenLifetimeSeconds?: number;
  /** Default true (backend-service app only; client_credentials never gets one). */
  issueRefreshTokens?: boolean;
  /** LN OData server page size; default 500. */
  lnPageSize?: number;
  /** M3 `maxrecs=0` answers at most this many rows, else 504; default 100,000. */
  m3MaxRowsPerCall?: number;
  /** CSI, LN and FSM behaviour switches (unconfirmed tenant behaviour); defaults: a stock tenant's. */
  linesBehaviour?: LinesBehaviourInput;
}

export interface InforSandboxControl extends SandboxControl {
  /** Change records (bump their modification stamps to `at` or the sandbox clock's now); returns their keys. */
  modify(entity: InforEntity, which: number | string[], at?: Date): string[];
  /** The password grant answers 400 invalid_grant until restored. */
  revokeServiceAccount(): void;
  restoreServiceAccount(): void;
  /** Every access token is revoked now: the next gateway call gets 401 invalid_token (refresh tokens still work). */
  expireTokens(): number;
  /** Per entity: record count and how many records sit in the modification overlay (the only per-record memory). */
  dataStats(): Record<InforEntity, { count: number; overlay: number }>;
  /** Changes CSI/LN/FSM switches from now on (unnamed ones keep their value); returns the whole set. */
  setLinesBehaviour(change: LinesBehaviourInput): LinesBehaviour;
}

export interface InforSandbox {
  readonly url: string;
  readonly tenant: string;
  ionapi(kind?: IonapiKind): Record<string, unknown>;
  writeIonapi(file: string, kind?: IonapiKind): void;
  readonly control: InforSandboxControl;
  close(): Promise<void>;
}

export async function startInforSandbox(options: InforSandboxOptions = {}): Promise<InforSandbox> {
  const tenant = options.tenant ?? 'MLC_SANDBOX';
  const seed = options.seed ?? 1;
  const data = new InforData(seed, options.counts);
  // CSI sites after the first are other databases: the same counts, other companies (control.modify changes the first).
  const csiSiteData = [data, new InforData(seed + 1, options.counts), new InforData(seed + 2, options.counts)];
  let behaviour = linesBehaviour(options.linesBehaviour);
  const setLinesBehaviour = (change: LinesBehaviourInput) => (behaviour = linesBehaviour({ ...behaviour, ...change }));
  const dataStats = () =>
    Object.fromEntries(
      inforEntities.map((entity) => [
        entity,
        { count: data.datasets[entity].count, overlay: data.datasets[entity].overlaySize },
      ]),
    ) as Record<InforEntity, { count: number; overlay: number }>;
  const server = createSandboxServer({
    system: 'infor',
    port: options.port,
    seed,
    onExpireTokens: () => auth.expireAccessTokens(),
    extraStats: () => ({ ...auth.describe(), data: dataStats() }),
  });
  const auth = new InforAuth(
    {
      tenant,
      seed,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 7200,
      issueRefreshTokens: options.issueRefreshTokens ?? true,
    },
    server,
  );
  const authority = auth;

  // The authorization server: cloud layout under /{tenant}/as/, on-premises under /InforIntSTS/.
  for (const [pattern, name] of [
    [`/${tenant}/as/token.oauth2`, 'ION token'],
    ['/InforIntSTS/connect/token', 'ION token (on-premises)'],
  ] as const) {
    server.route({ method: 'POST', pattern, name, metered: false, handler: (context) => authority.token(context) });
  }
  for (const [pattern, name] of [
    [`/${tenant}/as/revoke_token.oauth2`, 'ION revoke'],
    ['/InforIntSTS/connect/revocation', 'ION revoke (on-premises)'],
  ] as const) {
    server.route({ method: 'POST', pattern, name, metered: false, handler: (context) => authority.revoke(context) });
  }

  /** Gateway routes: bearer first, as ION checks it before any backend sees the call. */
  const gateway =
    (handler: (context: SimulatorContext) => Promise<void> | void) => async (context: SimulatorContext) => {
      if (!authority.authorize(context)) return;
      await handler(context);
    };
  const m3Options = { maxRowsPerCall: options.m3MaxRowsPerCall ?? 100_000 };
  server.route({
    method: 'GET',
    pattern: `/${tenant}/M3/m3api-rest/v2/execute/:program/:transaction`,
    name: 'M3 v2 execute',
    handler: gateway(m3Handler(data, m3Options, 2)),
  });
  server.route({
    method: 'GET',
    pattern: `/${tenant}/M3/m3api-rest/execute/:program/:transaction`,
    name: 'M3 v1 execute',
    handler: gateway(m3Handler(data, m3Options, 1)),
  });
  registerCsiRoutes(server, tenant, csiSiteData, gateway, () => behaviour);
  registerLnRoutes(server, tenant, data, gateway, { pageSize: options.lnPageSize ?? 500 }, () => behaviour);
  registerFsmRoutes(server, tenant, data, gateway, () => behaviour);

  const modify = (entity: InforEntity, which: number | string[], at?: Date | string | number): string[] => {
    const dataset = data.datasets[entity];
    if (!dataset) throw new Error(`Unknown entity "${String(entity)}"; use one of ${inforEntities.join(', ')}`);
    const stamp = at === undefined ? server.clock.now() : new Date(at).getTime();
    if (!Number.isFinite(stamp)) throw new Error('modify: "at" is not a valid date');
    let indexes: number[];
    if (typeof which === 'number') {
      const wanted = Math.min(Math.max(0, Math.floor(which)), dataset.count);
      const chosen = new Set<number>();
      // Seeded picks: the same sandbox run modifies the same records.
      while (chosen.size < wanted) chosen.add(server.random.int(0, dataset.count - 1));
      indexes = [...chosen].sort((left, right) => left - right);
    } else {
      indexes = which.map((key) => {
        const index = dataset.indexOf(key);
        if (index === undefined) throw new Error(`modify: ${entity} has no record "${key}"`);
        return index;
      });
    }
    return dataset.modify(indexes, stamp).map((index) => dataset.key(index));
  };

  server.action('modify', (args) => {
    const { entity, which, count, keys, at } = (args ?? {}) as {
      entity: InforEntity;
      which?: number | string[];
      count?: number;
      keys?: string[];
      at?: string;
    };
    return modify(entity, which ?? keys ?? count ?? 1, at === undefined ? undefined : new Date(at));
  });
  server.action('revokeServiceAccount', () => authority.revokeServiceAccount(true));
  server.action('restoreServiceAccount', () => authority.revokeServiceAccount(false));
  server.action('expireTokens', () => authority.expireAccessTokens());
  server.action('dataStats', () => dataStats());
  server.action('setLinesBehaviour', (args) => setLinesBehaviour((args ?? {}) as LinesBehaviourInput));

  const control: InforSandboxControl = Object.assign(Object.create(null) as object, server.control, {
    modify: (entity: InforEntity, which: number | string[], at?: Date) => modify(entity, which, at),
    revokeServiceAccount: () => authority.revokeServiceAccount(true),
    restoreServiceAccount: () => authority.revokeServiceAccount(false),
    expireTokens: () => authority.expireAccessTokens(),
    dataStats,
    setLinesBehaviour,
  });

  await server.listen();
  return {
    url: server.url,
    tenant,
    ionapi: (kind = 'backend-service') => buildIonapi(kind, server.url, tenant, authority.apps),
    writeIonapi: (file, kind = 'backend-service') =>
      writeIonapiFile(file, buildIonapi(kind, server.url, tenant, authority.apps)),
    control,
    close: () => server.close(),
  };
}
