import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { fsmPartyRows } from '../../sandbox/infor/fsm/fsm-classes';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startZohoSandbox } from '../../sandbox/zoho/index';
import { startSalesforceSandbox } from '../../sandbox/salesforce/index';
import { startDynamicsSandbox } from '../../sandbox/dynamics/index';
import { startZendeskSandbox } from '../../sandbox/zendesk/index';
import { startCin7Sandbox } from '../../sandbox/cin7/index';
import { tempDir } from '../support/paths';
import { customerToZohoAccount, fastBackend } from './support/sync-harness';

const customers = 120;
/** Cin7 allows 60 calls a minute and writes one record per call: keep its case inside one window. */
const suppliers = 40;

/** Each product line names its customer fields differently; one mapping per line into Zoho. */
const zohoMappings: Record<'m3' | 'csi' | 'ln' | 'fsm', { key: string; expression: string }> = {
  m3: { key: 'CUNO', expression: customerToZohoAccount },
  csi: {
    key: 'CustNum',
    expression:
      '{ "Infor_Customer_No": CustNum, "Account_Name": Name, "Billing_City": City, "Billing_Country": Country, "Phone": Phone }',
  },
  ln: {
    key: 'BusinessPartner',
    expression:
      '{ "Infor_Customer_No": BusinessPartner, "Account_Name": Name, "Billing_City": City, "Billing_Country": Country, "Phone": Telephone }',
  },
  // FSM customer numbers are unique per customer group only (a few numbers live in two groups).
  fsm: {
    key: 'Customer',
    expression:
      '{ "Infor_Customer_No": CustomerGroup & "/" & Customer, "Account_Name": Name, "Billing_City": Municipality, "Billing_Country": Country, "Phone": PhoneNumber }',
  },
};

interface TargetCase {
  system: 'zoho' | 'salesforce' | 'dynamics' | 'zendesk' | 'cin7';
  /** Infor entity read (Cin7 takes suppliers, the others customers). */
  source?: 'customers' | 'suppliers';
  entity: string;
  matchKey: string;
  expression: string;
  start(): Promise<{
    connection(): {
      name: string;
      settings: Record<string, string | number | boolean | null>;
      secrets: Record<string, string>;
    };
    count(): number;
    close(): Promise<void>;
  }>;
}

const targets: TargetCase[] = [
  {
    system: 'zoho',
    entity: 'Accounts',
    matchKey: 'Infor_Customer_No',
    expression: customerToZohoAccount,
    start: async () => {
      const sandbox = await startZohoSandbox({ seedAccounts: 0 });
      return {
        connection: () => sandbox.connection(),
        count: () => sandbox.inspect.count('Accounts'),
        close: () => sandbox.close(),
      };
    },
  },
  {
    system: 'salesforce',
    entity: 'Account',
    matchKey: 'Infor_Customer_Number__c',
    expression:
      '{ "Infor_Customer_Number__c": CUNO, "Name": CUNM, "AccountNumber": CUNO, "BillingCity": TOWN, "BillingCountry": CSCD, "Phone": PHNO }',
    start: async () => {
      const sandbox = await startSalesforceSandbox();
      const before = sandbox.inspect.count('Account');
      return {
        connection: () => sandbox.connection(),
        count: () => sandbox.inspect.count('Account') - before,
        close: () => sandbox.close(),
      };
    },
  },
  {
    system: 'dynamics',
    entity: 'account',
    matchKey: 'mlc_inforcustomerno',
    expression:
      '{ "mlc_inforcustomerno": CUNO, "name": CUNM, "accountnumber": CUNO, "address1_city": TOWN, "telephone1": PHNO }',
    start: async () => {
      const sandbox = await startDynamicsSandbox();
      const before = sandbox.inspect.records('account').length;
      return {
        connection: () => sandbox.connection(),
        count: () => sandbox.inspect.records('account').length - before,
        close: () => sandbox.close(),
      };
    },
  },
  {
    system: 'zendesk',
    entity: 'organizations',
    matchKey: 'external_id',
    // Zendesk organization names are unique: the number keeps two same-named companies apart.
    expression:
      '{ "external_id": CUNO, "name": CUNM & " (" & CUNO & ")", "details": CUA1 & ", " & TOWN & ", " & CSCD, "notes": "Phone " & PHNO }',
    start: async () => {
      const sandbox = await startZendeskSandbox();
      const before = sandbox.inspect.organizations().length;
      return {
        connection: () => sandbox.connection(),
        count: () => sandbox.inspect.organizations().length - before,
        close: () => sandbox.close(),
      };
    },
  },
  {
    system: 'cin7',
    source: 'suppliers',
    entity: 'Supplier',
    matchKey: 'Name',
    expression: '{ "Name": SUNM & " (" & SUNO & ")", "TaxRule": "Tax Exempt", "TaxNumber": VRNO, "Status": "Active" }',
    start: async () => {
      const sandbox = await startCin7Sandbox();
      const before = sandbox.inspect.suppliers().length;
      return {
        connection: () => sandbox.connection(),
        count: () => sandbox.inspect.suppliers().length - before,
        close: () => sandbox.close(),
      };
    },
  },
];

describe('the same engine for every source product line and every target', () => {
  let infor: InforSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir('mlc-matrix-');

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers, suppliers } });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
  });
  afterAll(async () => {
    await backend?.close();
    await infor?.close();
    folder.remove();
  });

  async function runOnce(
    sourceId: string,
    targetId: string,
    entity: string,
    matchKey: string,
    expression: string,
    name: string,
    sourceEntity = 'customers',
  ) {
    const mapping = await api.call('mappings.save', { name, sourceEntity, targetEntity: entity, expression });
    const flow = await api.call('flows.save', {
      name,
      source: { connectionId: sourceId as never, entity: sourceEntity, lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: targetId as never, entity, matchKey: [matchKey] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
    const first = await api.call('flows.run', { id: flow.id });
    if (first.counters.failed > 0) {
      // Show the target's own words when a record fails: it makes a red run readable.
      const [failure] = (await api.call('audit.list', { runId: first.id, outcome: 'failed', limit: 1 })).items;
      throw new Error(
        `${name}: ${first.counters.failed} records failed, e.g. ${failure?.errorCode}: ${failure?.errorMessage}`,
      );
    }
    const second = await api.call('flows.run', { id: flow.id });
    return { first, second };
  }

  for (const productLine of ['m3', 'csi', 'ln', 'fsm'] as const) {
    it(`reads ${productLine.toUpperCase()} customers into Zoho accounts`, async () => {
      const zoho = await startZohoSandbox({ seedAccounts: 0 });
      try {
        const source = await api.call('connections.importIonapi', {
          fileName: `${productLine}.ionapi`,
          content: JSON.stringify(infor.ionapi('backend-service')),
          productLine,
        });
        // A multi-site CSI tenant reads the site the user chose.
        if (productLine === 'csi')
          await api.call('connections.update', {
            id: source.id,
            settings: { mongooseConfig: `${infor.tenant}_DALS` },
          });
        const zohoConnection = zoho.connection();
        const target = await api.call('connections.create', {
          system: 'zoho',
          name: `Zoho for ${productLine}`,
          settings: zohoConnection.settings,
          secrets: zohoConnection.secrets,
          sandbox: true,
        });
        const { first, second } = await runOnce(
          source.id,
          target.id,
          'Accounts',
          'Infor_Customer_No',
          zohoMappings[productLine].expression,
          `${productLine} → Zoho`,
        );
        expect(first.error).toBeNull();
        const rows = productLine === 'fsm' ? fsmPartyRows(customers) : customers;
        expect(first.counters).toMatchObject({ read: rows, created: rows, failed: 0 });
        expect(zoho.inspect.count('Accounts')).toBe(rows);
        // The second run writes nothing, whether the line filters by stamp (M3, CSI, FSM) or reads in full (LN).
        expect(second.counters.created + second.counters.updated).toBe(0);
        expect(second.calls.target).toBe(0);
      } finally {
        await zoho.close();
      }
    }, 120_000);
  }

  for (const target of targets) {
    it(`writes M3 ${target.source ?? 'customers'} into ${target.system}`, async () => {
      const sandbox = await target.start();
      try {
        const source = await api.call('connections.importIonapi', {
          fileName: 'm3.ionapi',
          content: JSON.stringify(infor.ionapi('backend-service')),
          productLine: 'm3',
        });
        const settings = sandbox.connection();
        const connection = await api.call('connections.create', {
          system: target.system,
          name: settings.name,
          settings: settings.settings,
          secrets: settings.secrets,
          sandbox: true,
        });
        const sourceEntity = target.source ?? 'customers';
        const expected = sourceEntity === 'suppliers' ? suppliers : customers;
        const { first, second } = await runOnce(
          source.id,
          connection.id,
          target.entity,
          target.matchKey,
          target.expression,
          `M3 → ${target.system}`,
          sourceEntity,
        );
        expect(first.error).toBeNull();
        expect(first.counters).toMatchObject({ read: expected, failed: 0 });
        expect(first.counters.created + first.counters.updated).toBe(expected);
        expect(sandbox.count()).toBe(expected);
        expect(second.calls.target).toBe(0);
      } finally {
        await sandbox.close();
      }
    }, 120_000);
  }
});
