import fs from 'node:fs';
import path from 'node:path';
import type { ApiClient } from '../../../shared/api/client';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow, Schedule } from '../../../shared/domain/flow';
import { compileGraph } from '../../../shared/mapping/index';
import type { InforSandbox } from '../../../sandbox/infor/index';
import type { ZohoSandbox } from '../../../sandbox/zoho/index';
import { TestGraph } from '../../mapping/support/graph-builder';

/** Country codes as Infor keeps them → the names Zoho users expect; unknown codes pass through. */
export const countryNames: Record<string, string> = {
  AU: 'Australia',
  CA: 'Canada',
  DE: 'Germany',
  ES: 'Spain',
  FR: 'France',
  GB: 'United Kingdom',
  IT: 'Italy',
  NL: 'Netherlands',
  PL: 'Poland',
  SE: 'Sweden',
  US: 'United States',
};

/** M3 customer → Zoho Account, drawn as a graph (trim, a country value map, direct fields). */
export function customerGraph() {
  const b = new TestGraph(
    { CUNO: 'string', CUNM: 'string', CUA1: 'string', TOWN: 'string', PONO: 'string', CSCD: 'string', PHNO: 'string' },
    {
      Infor_Customer_No: 'string',
      Account_Name: 'string',
      Account_Number: 'string',
      Billing_Street: 'string',
      Billing_City: 'string',
      Billing_Code: 'string',
      Billing_Country: 'string',
      Phone: 'string',
    },
  );
  b.to('Infor_Customer_No', b.src('CUNO'))
    .to('Account_Name', b.fn('trim', b.src('CUNM')))
    .to('Account_Number', b.src('CUNO'))
    .to('Billing_Street', b.src('CUA1'))
    .to('Billing_City', b.src('TOWN'))
    .to('Billing_Code', b.src('PONO'))
    .to('Billing_Country', b.valueMap(b.src('CSCD'), countryNames, { kind: 'input' }))
    .to('Phone', b.src('PHNO'));
  return b.graph;
}

/** The Zoho sandbox seeds its products first, so the first product's id is the same in every sandbox. */
export const sandboxProductId = '4150868000001000001';

/** M3 sales order → Zoho Sales_Order, written as JSONata: lines loop, the account resolved by reference. */
export const orderExpression = `{
  "Infor_Order_No": ORNO,
  "Subject": "Infor order " & ORNO,
  "Customer_No": CUNO,
  "Account_Name": { "id": $lookupRef("Accounts", CUNO) },
  "Ordered_Items": [lines.{
    "Product_Name": { "id": "${sandboxProductId}" },
    "Quantity": $number(ORQT),
    "List_Price": $number(SAPR),
    "Description": ITDS
  }]
}`;

export interface Designed {
  accounts: Flow;
  orders: Flow;
}

/** Designs both flows through the backend contract, exactly as the designer's screens do. */
export async function designInforToZoho(
  api: ApiClient,
  source: Connection,
  target: Connection,
  schedules: { accounts?: Schedule; orders?: Schedule } = {},
): Promise<Designed> {
  const graph = customerGraph();
  const customers = await api.call('mappings.save', {
    name: 'Infor customers → Zoho accounts',
    sourceEntity: 'customers',
    targetEntity: 'Accounts',
    graph,
    expression: compileGraph(graph).expression,
  });
  const orders = await api.call('mappings.save', {
    name: 'Infor sales orders → Zoho sales orders',
    sourceEntity: 'salesOrders',
    targetEntity: 'Sales_Orders',
    expression: orderExpression,
  });
  const accountsFlow = await api.call('flows.save', {
    name: 'Customers to accounts',
    source: { connectionId: source.id, entity: 'customers', lookbackSeconds: 60 },
    mappingId: customers.id,
    target: { connectionId: target.id, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
    schedule: schedules.accounts ?? { kind: 'cron', cron: '*/15 * * * *', timeZone: 'UTC' },
    dependsOn: [],
    options: { dryRun: false },
    paused: false,
  });
  const ordersFlow = await api.call('flows.save', {
    name: 'Sales orders',
    source: { connectionId: source.id, entity: 'salesOrders', lookbackSeconds: 60 },
    mappingId: orders.id,
    target: { connectionId: target.id, entity: 'Sales_Orders', matchKey: ['Infor_Order_No'] },
    schedule: schedules.orders ?? { kind: 'cron', cron: '5-59/15 * * * *', timeZone: 'UTC' },
    dependsOn: [accountsFlow.id],
    options: { dryRun: false },
    paused: false,
  });
  return { accounts: accountsFlow, orders: ordersFlow };
}

/** What `mlc sandbox` writes into `<data dir>/sandbox/`, for sandboxes a test started itself. */
export function writeSandboxFiles(dataDir: string, infor: InforSandbox, zoho: ZohoSandbox): void {
  const directory = path.join(dataDir, 'sandbox');
  fs.mkdirSync(directory, { recursive: true });
  infor.writeIonapi(path.join(directory, 'infor-backend-service.ionapi'), 'backend-service');
  fs.writeFileSync(path.join(directory, 'zoho-sandbox.connection.json'), JSON.stringify(zoho.connection(), null, 2), {
    mode: 0o600,
  });
}

/** Zoho records without what the target assigns itself (ids, stamps, owners), references as the source key they point at. */
export function zohoState(zoho: ZohoSandbox): { accounts: unknown[]; orders: unknown[] } {
  const accounts = zoho.inspect.records('Accounts').filter((record) => record.Infor_Customer_No);
  const customerById = new Map(accounts.map((account) => [String(account.id), String(account.Infor_Customer_No)]));
  const strip = (record: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      if (
        ['id', 'Created_Time', 'Modified_Time', 'Owner', 'Created_By', 'Modified_By', 'Last_Activity_Time'].includes(
          key,
        )
      )
        continue;
      out[key] = value;
    }
    return out;
  };
  const orders = zoho.inspect.records('Sales_Orders').map((order) => {
    const account = order.Account_Name as { id?: string } | undefined;
    const items = (order.Ordered_Items as Array<Record<string, unknown>> | undefined)?.map((item) => strip(item));
    return { ...strip(order), Account_Name: customerById.get(String(account?.id)) ?? null, Ordered_Items: items };
  });
  const byKey = (field: string) => (a: unknown, b: unknown) =>
    String((a as Record<string, unknown>)[field]).localeCompare(String((b as Record<string, unknown>)[field]));
  return {
    accounts: accounts.map(strip).sort(byKey('Infor_Customer_No')),
    orders: orders.sort(byKey('Infor_Order_No')),
  };
}
