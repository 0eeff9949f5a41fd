import fs from 'node:fs';
import path from 'node:path';
import type { ApiClient } from '../../../shared/api/client';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow } from '../../../shared/domain/flow';
import { startInforSandbox, type InforSandbox } from '../../../sandbox/infor/index';
import { startCin7Sandbox, type Cin7Sandbox } from '../../../sandbox/cin7/index';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';
import { m3GlAccountsToCin7 } from '../../sync/gl-reconcile-mapping';
import { connectSystem } from '../../sync/support/connect';

/**
 * The issue 16 example bundles (examples/*.mlcbundle.json), designed through the backend contract
 * as the designer's screens do, against the sandbox's simulators: Dynamics contacts → M3 customers;
 * Cin7 purchases ↔ M3 purchase orders (both directions in one bundle); Infor ↔ Cin7 GL reconcile.
 */

/** Small sandboxes, no Cin7 call cap: what the example test and the example maker start. */
export interface ExampleSandboxes {
  infor: InforSandbox;
  cin7: Cin7Sandbox;
  dynamics: DynamicsSandbox;
  close(): Promise<void>;
}

export async function startExampleSandboxes(): Promise<ExampleSandboxes> {
  const infor = await startInforSandbox({
    counts: { customers: 8, suppliers: 6, salesOrders: 2, purchaseOrders: 6, invoices: 2, glAccounts: 12 },
  });
  const cin7 = await startCin7Sandbox({ rateLimit: null, counts: { suppliers: 0, customers: 0, purchases: 0 } });
  const dynamics = await startDynamicsSandbox({
    counts: { account: 3, contact: 10, salesorder: 0, invoice: 0, quote: 0 },
  });
  return {
    infor,
    cin7,
    dynamics,
    close: async () => void (await Promise.all([infor.close(), cin7.close(), dynamics.close()])),
  };
}

/** What `mlc sandbox` writes into `<data dir>/sandbox`, which sandbox connections of a bundle bind to. */
export function writeExampleSandboxFiles(dataDir: string, sandboxes: ExampleSandboxes): void {
  const directory = path.join(dataDir, 'sandbox');
  fs.mkdirSync(directory, { recursive: true });
  sandboxes.infor.writeIonapi(path.join(directory, 'infor-backend-service.ionapi'), 'backend-service');
  const write = (file: string, content: unknown) =>
    fs.writeFileSync(path.join(directory, file), JSON.stringify(content, null, 2), { mode: 0o600 });
  write('cin7-sandbox.connection.json', sandboxes.cin7.connection());
  write('dynamics-sandbox.connection.json', sandboxes.dynamics.connection());
}

export async function connectExamples(
  api: ApiClient,
  sandboxes: ExampleSandboxes,
): Promise<{ infor: Connection; cin7: Connection; dynamics: Connection }> {
  const infor = await api.call('connections.importIonapi', {
    fileName: 'infor-backend-service.ionapi',
    content: JSON.stringify(sandboxes.infor.ionapi('backend-service')),
    productLine: 'm3',
  });
  // New M3 customers are made from a customer template (CRS610MI/Add needs one).
  const templated = await api.call('connections.update', { id: infor.id, settings: { m3CustomerTemplate: 'TMPLDOM' } });
  return {
    infor: templated,
    cin7: await connectSystem(api, 'cin7', sandboxes.cin7.connection()),
    dynamics: await connectSystem(api, 'dynamics', sandboxes.dynamics.connection()),
  };
}

async function flow(
  api: ApiClient,
  input: {
    name: string;
    source: Connection;
    sourceEntity: string;
    target: Connection;
    targetEntity: string;
    expression: string;
    matchKey: string;
    dependsOn?: Flow[];
    options?: Partial<Flow['options']>;
  },
): Promise<Flow> {
  const mapping = await api.call('mappings.save', {
    name: input.name,
    sourceEntity: input.sourceEntity,
    targetEntity: input.targetEntity,
    expression: input.expression,
    sourceConnectionId: input.source.id,
    targetConnectionId: input.target.id,
  });
  return api.call('flows.save', {
    name: input.name,
    source: { connectionId: input.source.id, entity: input.sourceEntity, lookbackSeconds: 60 },
    mappingId: mapping.id,
    target: { connectionId: input.target.id, entity: input.targetEntity, matchKey: [input.matchKey] },
    schedule: { kind: 'manual' },
    dependsOn: (input.dependsOn ?? []).map((other) => other.id),
    options: { dryRun: false, ...input.options },
    paused: false,
  });
}

/**
 * Dynamics 365 contacts → M3 customers: the contact's Infor id is the customer number; the name,
 * street and phone fit M3's lengths. A contact without a street gets its city (CRS610MI/Add needs
 * CUA1).
 */
export const contactToM3Customer = `{
  "CUNO": mlc_inforcontactid,
  "CUNM": $substring($trim(firstname & " " & lastname), 0, 36),
  "CUA1": $substring(address1_line1 ? address1_line1 : (address1_city ? address1_city : "Address to follow"), 0, 36),
  "PHNO": $substring(telephone1, 0, 16)
}`;

export async function designContactsToM3(api: ApiClient, connections: { infor: Connection; dynamics: Connection }) {
  return [
    await flow(api, {
      name: 'Dynamics contacts → M3 customers',
      source: connections.dynamics,
      sourceEntity: 'contact',
      target: connections.infor,
      targetEntity: 'customers',
      expression: contactToM3Customer,
      matchKey: 'CUNO',
    }),
  ];
}

/** M3 supplier → Cin7 supplier, named with its M3 number so purchases can find it both ways. */
export const m3SupplierToCin7 =
  '{ "Name": SUNM & " (" & SUNO & ")", "TaxRule": "Tax Exempt", "TaxNumber": VRNO, "Status": "Active" }';

/**
 * M3 purchase order → Cin7 purchase with its lines (by SKU = M3 item number). The M3 order number,
 * warehouse and each line's number ride in the purchase's attributes and the lines' comments, so the
 * reverse flow finds them again.
 */
export const m3PurchaseToCin7 = `{
  "SupplierID": $lookupRef("Supplier", SUNO),
  "Approach": "INVOICE",
  "Location": "Main Warehouse",
  "RequiredBy": DWDT,
  "Note": "Infor PO " & PUNO,
  "AdditionalAttributes": { "AdditionalAttribute1": PUNO, "AdditionalAttribute2": WHLO },
  "Order": {
    "Status": "DRAFT",
    "Lines": [lines.{
      "SKU": ITNO,
      "Quantity": ORQA,
      "Price": $number(PUPR),
      "Tax": 0,
      "TaxRule": "Tax Exempt",
      "Total": $round(ORQA * $number(PUPR), 2),
      "Comment": "Infor line " & PNLI
    }]
  }
}`;

/**
 * Cin7 purchase → M3 purchase order: purchases with lines of suppliers M3 knows ("Name (SUNO)");
 * new ones become new M3 orders (PPS370MI), known ones are changed by the order number the id map
 * holds; lines keep their M3 line number from the comment.
 */
export const cin7PurchaseToM3 = `$count(lines) > 0 and $contains(Supplier, "(") ? {
  "SUNO": $substringBefore($substringAfter(Supplier, "("), ")"),
  "FACI": "A01",
  "WHLO": AdditionalAttributes.AdditionalAttribute2 ? AdditionalAttributes.AdditionalAttribute2 : "100",
  "DWDT": $substring(RequiredBy ? RequiredBy : OrderDate, 0, 10),
  "lines": [lines.(
    $line := $contains($string(Comment), "Infor line ") ? $number($substringAfter(Comment, "Infor line "));
    $merge([$line ? { "PNLI": $line } : {}, { "ITNO": SKU, "ORQA": Quantity, "PUPR": Price }])
  )]
}`;

export async function designPurchasesBothWays(api: ApiClient, connections: { infor: Connection; cin7: Connection }) {
  const suppliers = await flow(api, {
    name: 'M3 suppliers → Cin7 suppliers',
    source: connections.infor,
    sourceEntity: 'suppliers',
    target: connections.cin7,
    targetEntity: 'Supplier',
    expression: m3SupplierToCin7,
    matchKey: 'Name',
  });
  const toCin7 = await flow(api, {
    name: 'M3 purchase orders → Cin7 purchases',
    source: connections.infor,
    sourceEntity: 'purchaseOrders',
    target: connections.cin7,
    targetEntity: 'Purchase',
    expression: m3PurchaseToCin7,
    matchKey: 'ID',
    dependsOn: [suppliers],
  });
  const toM3 = await flow(api, {
    name: 'Cin7 purchases → M3 purchase orders',
    source: connections.cin7,
    sourceEntity: 'Purchase',
    target: connections.infor,
    targetEntity: 'purchaseOrders',
    expression: cin7PurchaseToM3,
    matchKey: 'PUNO',
    dependsOn: [toCin7],
  });
  return [suppliers, toCin7, toM3];
}

export async function designGlReconcile(api: ApiClient, connections: { infor: Connection; cin7: Connection }) {
  return [
    await flow(api, {
      name: 'GL accounts Infor ↔ Cin7 (reconcile)',
      source: connections.infor,
      sourceEntity: 'glAccounts',
      target: connections.cin7,
      targetEntity: 'Account',
      expression: m3GlAccountsToCin7,
      matchKey: 'Code',
      options: { reconcile: { fix: true } },
    }),
  ];
}
