import { createSandboxServer, type SandboxControl, type SimulatorContext } from '../kit';
import { InforData, inforEntities, type InforEntity } from './data/records';
import { registerCsiRoutes } from './csi/csi-routes';
import { registerFsmRoutes } from './fsm/fsm-routes';
import { InforAuth } from './infor-auth';
import { linesBehaviour, type LinesBehaviour, type LinesBehaviourInput } from './behaviour-lines';
import { buildIonapi, writeIonapiFile, type IonapiKind } from './ionapi';
import { registerLnRoutes } from './ln/ln-routes';
import { m3Handler } from './m3/m3-routes';
import { BehaviourHolder, type InforBehaviour, type InforBehaviourInput } from './behaviour';
import { accountKeyParts, invoiceKeyParts } from './m3/m3-tables';

/**
 * Infor CloudSuite sandbox: the ION authorization server and API gateway with M3, CSI, LN
 * and FSM behind it, on one loopback port. Contract: briefs/infor-interface.md.
 */
export type { InforEntity } from './data/records';
export type { IonapiKind } from './ionapi';
export type { InforBehaviour, InforBehaviourInput } from './behaviour';
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
  /** Unconfirmed tenant behaviours (`behaviour.ts`); defaults are a stock tenant's harshest plausible answer. */
  behaviour?: InforBehaviourInput;
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
  /** Switch tenant behaviours (merged over the current ones); returns them all. */
  setBehaviour(input: InforBehaviourInput): InforBehaviour;
  /** The M3 key text the connector reports for a record key `modify` returned (`DIVI/YEA4/JRNO/JSNO` for invoices). */
  m3KeyOf(entity: InforEntity, key: string): string;
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
  // M3 company 200: a second company with its own (fewer) rows, so a read of the wrong company shows.
  const company200 = new InforData(seed + 200, {
    customers: 25,
    suppliers: 10,
    salesOrders: 12,
    purchaseOrders: 8,
    invoices: 10,
    glAccounts: 6,
  });
  const behaviour = new BehaviourHolder(options.behaviour);
  // CSI sites after the first are other databases: the same counts, other companies (control.modify changes the first).
  const csiSiteData = [data, new InforData(seed + 1, options.counts), new InforData(seed + 2, options.counts)];
  // Two switch sets: M3's (behaviour.ts) and CSI/LN/FSM's (behaviour-lines.ts); each has its own control method.
  let lines = linesBehaviour(options.linesBehaviour);
  const setLinesBehaviour = (change: LinesBehaviourInput) => (lines = linesBehaviour({ ...lines, ...change }));
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
  const m3Options = { maxRowsPerCall: options.m3MaxRowsPerCall ?? 100_000, now: () => server.clock.now() };
  server.route({
    method: 'GET',
    pattern: `/${tenant}/M3/m3api-rest/v2/execute/:program/:transaction`,
    name: 'M3 v2 execute',
    handler: gateway(m3Handler({ '100': data, '200': company200 }, m3Options, behaviour, 2)),
  });
  server.route({
    method: 'GET',
    pattern: `/${tenant}/M3/m3api-rest/execute/:program/:transaction`,
    name: 'M3 v1 execute',
    handler: gateway(m3Handler({ '100': data, '200': company200 }, m3Options, behaviour, 1)),
  });
  registerCsiRoutes(server, tenant, csiSiteData, gateway, () => lines);
  registerLnRoutes(server, tenant, data, gateway, { pageSize: options.lnPageSize ?? 500 }, () => lines);
  registerFsmRoutes(server, tenant, data, gateway, () => lines);

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
  server.action('setBehaviour', (args) => behaviour.set((args ?? {}) as InforBehaviourInput));
  const m3KeyOf = (entity: InforEntity, key: string): string => {
    const index = data.datasets[entity].indexOf(key);
    if (index === undefined) throw new Error(`m3KeyOf: ${entity} has no record "${key}"`);
    if (entity === 'invoices') {
      const parts = invoiceKeyParts(data.invoice(index), data.datasets.invoices.count);
      return ['AAA', parts.YEA4, parts.JRNO, parts.JSNO].join('/');
    }
    if (entity === 'glAccounts') {
      const parts = accountKeyParts(data.glAccount(index));
      return ['AAA', parts.AITP, parts.AITM].join('/');
    }
    return key;
  };
  server.action('setLinesBehaviour', (args) => setLinesBehaviour((args ?? {}) as LinesBehaviourInput));

  const control: InforSandboxControl = Object.assign(Object.create(null) as object, server.control, {
    modify: (entity: InforEntity, which: number | string[], at?: Date) => modify(entity, which, at),
    revokeServiceAccount: () => authority.revokeServiceAccount(true),
    restoreServiceAccount: () => authority.revokeServiceAccount(false),
    expireTokens: () => authority.expireAccessTokens(),
    dataStats,
    setBehaviour: (input: InforBehaviourInput) => behaviour.set(input),
    m3KeyOf,
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
