import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import type { ProductLine } from '../../electron/backend/connectors/infor/infor-sources';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import { fsmGroupsOfKey, fsmPartyRows } from '../../sandbox/infor/fsm/fsm-classes';
import { startInforSandbox, type InforEntity, type InforSandbox } from '../../sandbox/infor/index';
import { describeConformance, type ConnectorOptions, type EntityCase } from './kit/conformance-kit';

const counts = {
  customers: 230,
  suppliers: 45,
  salesOrders: 60,
  purchaseOrders: 25,
  invoices: 40,
  glAccounts: 30,
} satisfies Record<InforEntity, number>;

/** Entities each product line serves by default (LN has no invoices/GL set; FSM only parties and GL). */
const served: Record<ProductLine, InforEntity[]> = {
  m3: ['customers', 'suppliers', 'salesOrders', 'purchaseOrders', 'invoices', 'glAccounts'],
  csi: ['customers', 'suppliers', 'salesOrders', 'purchaseOrders', 'invoices', 'glAccounts'],
  ln: ['customers', 'suppliers', 'salesOrders', 'purchaseOrders'],
  fsm: ['customers', 'suppliers', 'purchaseOrders', 'invoices', 'glAccounts'],
};

/** Keys as each product line reports them for a sandbox record key (FSM: one per group the number lives in). */
const keyOf: Record<ProductLine, (entity: InforEntity, key: string, sandbox: InforSandbox) => string[]> = {
  // M3 keys are the tables' whole primary keys (FSLEDG DIVI/YEA4/JRNO/JSNO, FCHACC DIVI/AITP/AITM).
  m3: (entity, key, sandbox) => [sandbox.control.m3KeyOf(entity, key)],
  csi: (entity, key) => [entity === 'customers' || entity === 'invoices' ? `${key}/0` : key],
  ln: (_entity, key) => [key],
  fsm: (entity, key) => {
    if (entity === 'customers' || entity === 'suppliers') return fsmGroupsOfKey(key).map((group) => `${group}/${key}`);
    return [key];
  },
};

/** FSM customer and vendor numbers are unique per group; a few live in two groups (sandbox/README.md). */
const rowsOf = (productLine: ProductLine, entity: InforEntity) =>
  productLine === 'fsm' && (entity === 'customers' || entity === 'suppliers')
    ? fsmPartyRows(counts[entity])
    : counts[entity];

function connector(
  sandbox: InforSandbox,
  productLine: ProductLine,
  options: ConnectorOptions,
  ionapi = sandbox.ionapi(),
) {
  const parsed = parseIonApi(JSON.stringify(ionapi));
  return new InforConnector({
    connection: {
      id: `conformance-${productLine}-${Math.random()}`,
      // A multi-site CSI tenant needs its site chosen (issue 14); the first site holds the data `modify` changes.
      settings: {
        ...ionApiSettings(parsed),
        productLine,
        ...(productLine === 'csi' ? { mongooseConfig: `${sandbox.tenant}_DALS` } : {}),
      },
      sandbox: parsed.sandbox,
    },
    secrets: ionApiSecrets(parsed),
    http: options.http,
  });
}

for (const productLine of ['m3', 'csi', 'ln', 'fsm'] as const) {
  const entities: Record<string, EntityCase<InforSandbox>> = {};
  for (const entity of served[productLine]) {
    entities[entity] = {
      // LN pages are server-sized (lnPageSize below).
      pageSize: productLine === 'ln' ? 40 : entity === 'customers' ? 50 : 20,
      count: () => rowsOf(productLine, entity),
      // LN has no modification stamp (API-FACTS §1.6): read in full, no modified-since case.
      modify:
        productLine === 'ln'
          ? undefined
          : (sandbox, n) =>
              sandbox.control.modify(entity, n, new Date()).flatMap((key) => keyOf[productLine](entity, key, sandbox)),
    };
  }
  describeConformance<InforSandbox>({
    name: `Infor ${productLine.toUpperCase()}`,
    start: () => startInforSandbox({ counts, lnPageSize: 40 }),
    connector: (sandbox, options) => connector(sandbox, productLine, options),
    auth: {
      badClient: (sandbox, options) =>
        connector(sandbox, productLine, options, { ...sandbox.ionapi(), cs: 'wrong-secret-value' }),
      revokeAccount: (sandbox) => sandbox.control.revokeServiceAccount(),
      restoreAccount: (sandbox) => sandbox.control.restoreServiceAccount(),
      expireTokens: (sandbox) => sandbox.control.expireTokens(),
      tokensIssued: (sandbox) => {
        const counters = sandbox.control.stats().counters;
        return Object.entries(counters)
          .filter(([name]) => /token/i.test(name) && /issued/i.test(name))
          .reduce((sum, [, value]) => sum + value, 0);
      },
    },
    throttle: (sandbox, status, times, retryAfter) =>
      sandbox.control.setFaults([
        {
          path: `/${sandbox.tenant}/${productLine === 'csi' ? 'CSI' : productLine.toUpperCase()}/`,
          status,
          times,
          retryAfter,
        },
      ]),
    clearFaults: (sandbox) => sandbox.control.clearFaults(),
    entities,
  });
}
