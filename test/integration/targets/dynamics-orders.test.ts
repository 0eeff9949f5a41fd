import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicsConnector } from '../../../electron/backend/connectors/dynamics/dynamics.connector';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';

/**
 * Orders, quotes, invoices and their lines in the Dataverse simulator, over real HTTP: what the real
 * Web API refuses (a missing required lookup, a bind to a record that does not exist, a lookup
 * written as plain text, a line with no product), it refuses with Dataverse's error shape.
 */
describe('Dynamics 365 sandbox: orders and lines', () => {
  let sandbox: DynamicsSandbox;
  let token: string;
  const api = (path: string) => `${sandbox.url}/api/data/v9.2/${path}`;
  const upsert = (path: string, body: Record<string, unknown>) =>
    fetch(api(path), {
      method: 'PATCH',
      body: JSON.stringify(body),
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'content-type': 'application/json; charset=utf-8',
        'odata-version': '4.0',
        'odata-maxversion': '4.0',
      },
    });
  const id = (entity: string, field: string, value: string) =>
    String(sandbox.inspect.records(entity).find((row) => row[field] === value)?.[`${entity}id`]);
  let account: string;
  let order: Record<string, unknown>;

  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 3, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
    const connection = sandbox.connection();
    const response = await fetch(`${sandbox.url}/${sandbox.tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(connection.settings.clientId),
        client_secret: connection.secrets.client_secret!,
        scope: `${sandbox.url}/.default`,
      }),
    });
    token = ((await response.json()) as { access_token: string }).access_token;
    account = String(sandbox.inspect.records('account')[0]!.accountid);
    order = {
      name: 'M3 order 1',
      'customerid_account@odata.bind': `/accounts(${account})`,
      'pricelevelid@odata.bind': `/pricelevels(${id('pricelevel', 'name', 'Default Price List')})`,
      'transactioncurrencyid@odata.bind': `/transactioncurrencies(${id('transactioncurrency', 'isocurrencycode', 'EUR')})`,
    };
  });
  afterAll(() => sandbox.close());

  it('writes an order and its lines by alternate key, each line linked to its order', async () => {
    expect((await upsert("salesorders(mlc_inforordernumber='1000000001')", order)).status).toBe(204);
    const orderId = id('salesorder', 'mlc_inforordernumber', '1000000001');
    const line = await upsert("salesorderdetails(mlc_inforlineid='1000000001-1-0')", {
      'salesorderid@odata.bind': `/salesorders(${orderId})`,
      isproductoverridden: true,
      productdescription: 'F600-0900 Pallet, euro',
      quantity: 4,
      priceperunit: 11.5,
    });
    expect(line.status).toBe(204);
    const existing = await upsert("salesorderdetails(mlc_inforlineid='1000000001-2-0')", {
      'salesorderid@odata.bind': `/salesorders(${orderId})`,
      'productid@odata.bind': `/products(${id('product', 'name', 'Steel bracket')})`,
      'uomid@odata.bind': `/uoms(${id('uom', 'name', 'Primary Unit')})`,
      quantity: 2,
    });
    expect(existing.status).toBe(204);
    const lines = sandbox.inspect.records('salesorderdetail');
    expect(lines.map((row) => row._salesorderid_value)).toEqual([orderId, orderId]);
  });

  it('refuses an order without its required customer (0x80040203)', async () => {
    const { ['customerid_account@odata.bind']: _customer, ...withoutCustomer } = order;
    const response = await upsert("salesorders(mlc_inforordernumber='1000000002')", withoutCustomer);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: '0x80040203', message: /customerid/ } });
  });

  it('refuses a line without its order, and a bind to an order that does not exist (404)', async () => {
    const orphan = await upsert("salesorderdetails(mlc_inforlineid='X-1-0')", {
      isproductoverridden: true,
      productdescription: 'Write-in',
      quantity: 1,
    });
    expect(orphan.status).toBe(400);
    expect(await orphan.json()).toMatchObject({ error: { code: '0x80040203', message: /salesorderid/ } });
    const missing = await upsert("salesorderdetails(mlc_inforlineid='X-1-0')", {
      'salesorderid@odata.bind': '/salesorders(00000000-0000-0000-0000-000000000001)',
      isproductoverridden: true,
      productdescription: 'Write-in',
      quantity: 1,
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: '0x80040217', message: /salesorder With Id/ } });
  });

  it('refuses "EUR" written straight into a lookup column instead of a bind', async () => {
    const response = await upsert("salesorders(mlc_inforordernumber='1000000003')", {
      ...order,
      'transactioncurrencyid@odata.bind': undefined,
      transactioncurrencyid: 'EUR',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('0x80048d19');
    expect(body.error.message).toMatch(/navigation property 'transactioncurrencyid'/);
  });

  it('refuses a line with neither an existing product nor a write-in one', async () => {
    const orderId = id('salesorder', 'mlc_inforordernumber', '1000000001');
    const response = await upsert("salesorderdetails(mlc_inforlineid='1000000001-9-0')", {
      'salesorderid@odata.bind': `/salesorders(${orderId})`,
      quantity: 1,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: '0x80040203', message: /productid/ } });
  });

  it('has quote and invoice lines linked to their heads', async () => {
    expect((await upsert("quotes(mlc_inforquotenumber='Q1')", order)).status).toBe(204);
    const quoteId = id('quote', 'mlc_inforquotenumber', 'Q1');
    const quoteLine = await upsert("quotedetails(mlc_inforquotelineid='Q1-1')", {
      'quoteid@odata.bind': `/quotes(${quoteId})`,
      isproductoverridden: true,
      productdescription: 'Service hour',
      quantity: 3,
    });
    expect(quoteLine.status).toBe(204);
    expect((await upsert("invoices(mlc_inforinvoicenumber='I1')", order)).status).toBe(204);
    const invoiceLine = await upsert("invoicedetails(mlc_inforinvoicelineid='I1-1')", {
      isproductoverridden: true,
      productdescription: 'Service hour',
      quantity: 3,
    });
    expect(invoiceLine.status).toBe(400);
    expect(sandbox.inspect.records('quotedetail').map((row) => row._quoteid_value)).toEqual([quoteId]);
  });

  it('describes lookups as references to their tables, and finds lookup ids by a column value', async () => {
    const connection = sandbox.connection();
    const connector = new DynamicsConnector({
      connection: { id: 'dynamics-orders', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    try {
      const line = await connector.schema('invoicedetail');
      expect(line.fields.find((field) => field.name === 'invoiceid@odata.bind')).toMatchObject({
        type: 'reference',
        referenceTo: 'invoice',
        required: { onCreate: true },
      });
      const head = await connector.schema('salesorder');
      expect(head.fields.find((field) => field.name === 'transactioncurrencyid@odata.bind')).toMatchObject({
        type: 'reference',
        referenceTo: 'transactioncurrency',
      });
      expect(head.fields.some((field) => field.name === 'transactioncurrencyid')).toBe(false);
      // What `$lookupId("transactioncurrency", "isocurrencycode", "EUR")` asks the target.
      const hits = await connector.lookup!('transactioncurrency', 'isocurrencycode', ['EUR', 'XXX']);
      expect(hits.get('EUR')?.targetKey).toBe(id('transactioncurrency', 'isocurrencycode', 'EUR'));
      expect(hits.has('XXX')).toBe(false);
    } finally {
      await connector.close();
    }
  });
});
