import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import {
  createSalesforceConnector,
  type SalesforceConnector,
} from '../../../electron/backend/connectors/salesforce/salesforce.connector';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index';

/**
 * Orders with lines, price books, products, opportunities and tasks: listed, described, written by
 * external id and looked up through the connector against a simulator that keeps Salesforce's rules
 * (a draft order with a price book before its products, entries of the order's own price book, a
 * standard price before a custom one, lookups that take only the right object's id).
 */
async function open(options: Parameters<typeof startSalesforceSandbox>[0] = {}) {
  const sandbox = await startSalesforceSandbox({ seedAccounts: 0, ...options });
  const connection = sandbox.connection();
  const connector = createSalesforceConnector({
    connection: { id: `salesforce-sales-${Math.random()}`, settings: connection.settings, sandbox: true },
    secrets: connection.secrets,
  });
  return { sandbox, connector };
}

describe('Salesforce sales objects through the connector', () => {
  let sandbox: SalesforceSandbox;
  let connector: SalesforceConnector;
  const ids = { standard: '', product: '', custom: '', standardEntry: '', customEntry: '', account: '', order: '' };

  beforeAll(async () => {
    ({ sandbox, connector } = await open());
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  const write = async (entity: string, matchKey: string, records: JsonObject[]) =>
    connector.write(entity, records, { matchKey: [matchKey] });

  it('lists the entities and describes their references like the real describe', async () => {
    const listed = connector.entities().map((entity) => entity.id);
    for (const name of ['Task', 'Order', 'OrderItem', 'Opportunity', 'Product2', 'PricebookEntry', 'Pricebook2'])
      expect(listed).toContain(name);
    expect(connector.entities().find((entity) => entity.id === 'Pricebook2')?.writable).toBe(false);

    const item = await connector.schema('OrderItem');
    const byName = new Map(item.fields.map((field) => [field.name, field]));
    expect(byName.get('OrderId')).toMatchObject({
      type: 'reference',
      referenceTo: 'Order',
      required: { onCreate: true },
      createOnly: true,
    });
    expect(byName.get('PricebookEntryId')).toMatchObject({ type: 'reference', referenceTo: 'PricebookEntry' });
    expect(byName.get('Quantity')).toMatchObject({ type: 'number', required: { onCreate: true } });
    expect(byName.get('UnitPrice')?.required.onCreate).toBe(true);
    expect(byName.get('Infor_Line_Key__c')?.externalId).toBe(true);
    const order = await connector.schema('Order');
    const orderFields = new Map(order.fields.map((field) => [field.name, field]));
    for (const name of ['AccountId', 'EffectiveDate', 'Status'])
      expect(orderFields.get(name)?.required.onCreate, name).toBe(true);
    expect(orderFields.get('Pricebook2Id')).toMatchObject({ type: 'reference', referenceTo: 'Pricebook2' });
    expect(orderFields.get('Infor_Order_No__c')?.externalId).toBe(true);
    const task = await connector.schema('Task');
    const taskFields = new Map(task.fields.map((field) => [field.name, field]));
    // Status has a default, so it is not required of the caller.
    expect(taskFields.get('Status')?.required.onCreate).toBe(false);
    expect(taskFields.get('WhatId')).toMatchObject({ type: 'reference', referenceTo: 'Account' });

    // The raw describe: polymorphic WhatId lists every object, createOnly shows as updateable false.
    const token = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sandbox.connection().settings.clientId,
        client_secret: sandbox.connection().secrets.client_secret,
      }),
    }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
    const describe = async (object: string) =>
      (await fetch(`${sandbox.url}/services/data/v65.0/sobjects/${object}/describe`, {
        headers: { authorization: `Bearer ${token}` },
      }).then((response) => response.json())) as {
        fields: Array<{ name: string } & Record<string, unknown>>;
      };
    const whatId = (await describe('Task')).fields.find((field) => field.name === 'WhatId')!;
    expect(whatId).toMatchObject({ type: 'reference', nillable: true, createable: true, updateable: true });
    expect(whatId.referenceTo).toEqual(expect.arrayContaining(['Account', 'Opportunity', 'Order']));
    const orderId = (await describe('OrderItem')).fields.find((field) => field.name === 'OrderId')!;
    expect(orderId).toMatchObject({ nillable: false, createable: true, updateable: false, referenceTo: ['Order'] });
    const key = (await describe('OrderItem')).fields.find((field) => field.name === 'Infor_Line_Key__c')!;
    expect(key).toMatchObject({ externalId: true, idLookup: true, unique: true });
  });

  it('prices a product: a custom price needs the standard price first', async () => {
    const standard = await connector.lookup('Pricebook2', 'Name', ['Standard Price Book']);
    ids.standard = standard.get('Standard Price Book')!.targetKey;
    expect(ids.standard).toMatch(/^01s/);

    const [product] = await write('Product2', 'Infor_Item_No__c', [
      { Infor_Item_No__c: 'ITEM-1', Name: 'Widget', ProductCode: 'ITEM-1', IsActive: true },
    ]);
    expect(product).toMatchObject({ outcome: 'created' });
    ids.product = product!.targetKey!;

    // A custom book exists only by hand (not writable through the connector): made over the raw API.
    const customBook = await rawUpsert(sandbox, 'Pricebook2', 'Id', [{ Name: 'EU list', IsActive: true }]);
    ids.custom = customBook[0]!.id!;

    const tooEarly = await write('PricebookEntry', 'Infor_Price_Key__c', [
      { Infor_Price_Key__c: 'EU:ITEM-1', Pricebook2Id: ids.custom, Product2Id: ids.product, UnitPrice: 11 },
    ]);
    expect(tooEarly[0]).toMatchObject({
      outcome: 'failed',
      error: {
        code: 'STANDARD_PRICE_NOT_DEFINED',
        message: 'Before creating a custom price, create a standard price.',
      },
    });
    const entries = await write('PricebookEntry', 'Infor_Price_Key__c', [
      { Infor_Price_Key__c: 'STD:ITEM-1', Pricebook2Id: ids.standard, Product2Id: ids.product, UnitPrice: 10 },
      { Infor_Price_Key__c: 'EU:ITEM-1', Pricebook2Id: ids.custom, Product2Id: ids.product, UnitPrice: 11 },
    ]);
    expect(entries.map((entry) => entry.outcome)).toEqual(['created', 'created']);
    ids.standardEntry = entries[0]!.targetKey!;
    ids.customEntry = entries[1]!.targetKey!;
  });

  it('writes a draft order with a price book, then its lines by external id', async () => {
    const [account] = await write('Account', 'Infor_Customer_Number__c', [
      { Infor_Customer_Number__c: 'C100', Name: 'Order Customer', Infor_Account_Kind__c: 'Customer' },
    ]);
    ids.account = account!.targetKey!;

    const orders = await write('Order', 'Infor_Order_No__c', [
      { Infor_Order_No__c: 'SO-1', AccountId: ids.account, EffectiveDate: '2026-12-01', Status: 'Draft' },
      { Infor_Order_No__c: 'SO-2', AccountId: ids.account, EffectiveDate: '2026-12-01' },
      { Infor_Order_No__c: 'SO-3', AccountId: ids.account, EffectiveDate: '2026-12-01', Status: 'Activated' },
      { Infor_Order_No__c: 'SO-4', AccountId: 'C100', EffectiveDate: '2026-12-01', Status: 'Draft' },
    ]);
    expect(orders[0]).toMatchObject({ outcome: 'created' });
    expect(orders[1]).toMatchObject({ outcome: 'failed', error: { code: 'REQUIRED_FIELD_MISSING', field: 'Status' } });
    expect(orders[2]).toMatchObject({
      outcome: 'failed',
      error: { code: 'FIELD_INTEGRITY_EXCEPTION', field: 'Status' },
    });
    // A customer number copied into the lookup, as an unmapped lookup would do.
    expect(orders[3]).toMatchObject({ outcome: 'failed', error: { code: 'MALFORMED_ID', field: 'AccountId' } });
    ids.order = orders[0]!.targetKey!;

    const line = (key: string, extra: JsonObject = {}): JsonObject => ({
      Infor_Line_Key__c: key,
      OrderId: ids.order,
      PricebookEntryId: ids.standardEntry,
      Quantity: 2,
      UnitPrice: 10,
      ...extra,
    });
    // No price book on the order yet: the line is refused.
    const noBook = await write('OrderItem', 'Infor_Line_Key__c', [line('SO-1/10')]);
    expect(noBook[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'FIELD_INTEGRITY_EXCEPTION', field: 'PricebookEntryId' },
    });
    expect(
      (await write('Order', 'Infor_Order_No__c', [{ Infor_Order_No__c: 'SO-1', Pricebook2Id: ids.standard }]))[0],
    ).toMatchObject({ outcome: 'updated', targetKey: ids.order });

    const lines = await write('OrderItem', 'Infor_Line_Key__c', [
      line('SO-1/10'),
      line('SO-1/20', { Quantity: 5 }),
      line('SO-1/30', { PricebookEntryId: ids.customEntry }),
      withoutQuantity(line('SO-1/40')),
      line('SO-1/50', { OrderId: ids.account }),
      line('SO-1/60', { Colour__c: 'red' }),
    ]);
    expect(lines.map((result) => result.outcome)).toEqual([
      'created',
      'created',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    expect(lines[2]!.error).toMatchObject({ code: 'FIELD_INTEGRITY_EXCEPTION', field: 'PricebookEntryId' });
    expect(lines[3]!.error).toMatchObject({ code: 'REQUIRED_FIELD_MISSING', field: 'Quantity' });
    // An Account id in the Order lookup: Salesforce's FIELD_INTEGRITY_EXCEPTION "id value of incorrect type".
    expect(lines[4]!.error).toMatchObject({ code: 'FIELD_INTEGRITY_EXCEPTION', field: 'OrderId' });
    expect(lines[4]!.error!.message).toBe(`Order ID: id value of incorrect type: ${ids.account}`);
    expect(lines[5]!.error).toMatchObject({ code: 'INVALID_FIELD', field: 'Colour__c' });
    expect(sandbox.inspect.findBy('OrderItem', 'Infor_Line_Key__c', 'SO-1/20')).toMatchObject({
      OrderId: ids.order,
      Quantity: 5,
    });

    // Again: the same lines update in place; moving a line to another order is refused.
    const [other] = await write('Order', 'Infor_Order_No__c', [
      { Infor_Order_No__c: 'SO-6', AccountId: ids.account, EffectiveDate: '2026-12-01', Status: 'Draft' },
    ]);
    const again = await write('OrderItem', 'Infor_Line_Key__c', [
      line('SO-1/10', { Quantity: 3 }),
      line('SO-1/20', { OrderId: other!.targetKey! }),
    ]);
    expect(again[0]).toMatchObject({ outcome: 'updated', targetKey: lines[0]!.targetKey });
    expect(again[1]).toMatchObject({
      outcome: 'failed',
      error: { code: 'INVALID_FIELD_FOR_INSERT_UPDATE', field: 'OrderId' },
    });

    // Lookups find orders and lines by their Infor keys.
    const found = await connector.lookup('OrderItem', 'Infor_Line_Key__c', ['SO-1/10', 'SO-1/20', 'SO-1/99']);
    expect([...found.keys()].sort()).toEqual(['SO-1/10', 'SO-1/20']);
    expect(found.get('SO-1/10')?.data).toMatchObject({ Quantity: 3, OrderId: ids.order });
    expect((await connector.lookup('Order', 'Infor_Order_No__c', ['SO-1'])).get('SO-1')?.targetKey).toBe(ids.order);

    // Activated, the order takes no more products.
    expect(
      (await write('Order', 'Infor_Order_No__c', [{ Infor_Order_No__c: 'SO-1', Status: 'Activated' }]))[0],
    ).toMatchObject({ outcome: 'updated' });
    const locked = await write('OrderItem', 'Infor_Line_Key__c', [line('SO-1/70')]);
    expect(locked[0]).toMatchObject({ outcome: 'failed', error: { code: 'ENTITY_IS_LOCKED' } });
  });

  it('logs activities: a Task takes an Account or Order in WhatId, never a Contact', async () => {
    const [contact] = await write('Contact', 'Infor_Contact_Key__c', [
      { Infor_Contact_Key__c: 'K1', LastName: 'Berg', AccountId: ids.account },
    ]);
    const [opportunity] = await write('Opportunity', 'Infor_Opportunity_No__c', [
      { Infor_Opportunity_No__c: 'OP-1', Name: 'Deal', StageName: 'Prospecting', CloseDate: '2027-01-31' },
    ]);
    expect(opportunity).toMatchObject({ outcome: 'created' });
    const tasks = await write('Task', 'Infor_Activity_Key__c', [
      { Infor_Activity_Key__c: 'INV-1', Subject: 'Invoice 1', WhatId: ids.account, ActivityDate: '2026-12-02' },
      { Infor_Activity_Key__c: 'PO-1', Subject: 'PO 1', WhatId: ids.order, WhoId: contact!.targetKey! },
      { Infor_Activity_Key__c: 'OP-1', Subject: 'Deal', WhatId: opportunity!.targetKey! },
      { Infor_Activity_Key__c: 'BAD-1', Subject: 'Wrong', WhatId: contact!.targetKey! },
      { Infor_Activity_Key__c: 'BAD-2', Subject: 'Wrong', WhoId: ids.account },
      { Infor_Activity_Key__c: 'BAD-3', Subject: 'Gone', WhatId: '00155000000ZZZZAAA' },
    ]);
    expect(tasks.map((task) => task.outcome)).toEqual(['created', 'created', 'created', 'failed', 'failed', 'failed']);
    expect(tasks[3]!.error).toMatchObject({ code: 'FIELD_INTEGRITY_EXCEPTION', field: 'WhatId' });
    // jsforce/jsforce#1006: "Name ID: id value of incorrect type: 001…" for an Account in WhoId.
    expect(tasks[4]!.error).toEqual({
      code: 'FIELD_INTEGRITY_EXCEPTION',
      field: 'WhoId',
      message: `Name ID: id value of incorrect type: ${ids.account}`,
    });
    expect(tasks[5]!.error).toMatchObject({ code: 'INVALID_CROSS_REFERENCE_KEY', field: 'WhatId' });
    // Defaults of a new Task, as Salesforce fills them.
    expect(sandbox.inspect.findBy('Task', 'Infor_Activity_Key__c', 'INV-1')).toMatchObject({
      WhatId: ids.account,
      Status: 'Not Started',
      Priority: 'Normal',
      ActivityDate: '2026-12-02',
    });
  });
});

/**
 * Salesforce refuses an upsert that updates a record carrying a createable-not-updateable field
 * (INVALID_FIELD_FOR_INSERT_UPDATE, tablexi/restforce-db PR #49); the sandbox does so by default
 * ('refuse') and, switched, accepts the record's own value ('unchanged-ok'). Either way the
 * connector's upsert updates the line and refuses only a real change or a read-only field.
 */
describe.each(['refuse', 'unchanged-ok'] as const)('Salesforce create-only fields in an update (%s)', (mode) => {
  it.each(['collections', 'bulk'] as const)(
    'updates a line that carries its OrderId and PricebookEntryId, refuses a moved line or a read-only field (%s)',
    async (path) => {
      const { sandbox, connector } = await open({ salesRules: { createOnlyOnUpdate: mode } });
      try {
        const warnings: string[] = [];
        const write = (entity: string, key: string, records: JsonObject[]) =>
          connector.write(entity, records, { matchKey: [key], onWarning: (message) => warnings.push(message) });
        const book = (await connector.lookup('Pricebook2', 'Name', ['Standard Price Book'])).get(
          'Standard Price Book',
        )!;
        const [product] = await write('Product2', 'Infor_Item_No__c', [{ Infor_Item_No__c: 'I1', Name: 'P' }]);
        const [entry] = await write('PricebookEntry', 'Infor_Price_Key__c', [
          { Infor_Price_Key__c: 'STD:I1', Pricebook2Id: book.targetKey, Product2Id: product!.targetKey!, UnitPrice: 1 },
        ]);
        const [account] = await write('Account', 'Infor_Customer_Number__c', [
          { Infor_Customer_Number__c: 'C1', Name: 'A', Infor_Account_Kind__c: 'Customer' },
        ]);
        const order = (number: string) => ({
          Infor_Order_No__c: number,
          AccountId: account!.targetKey!,
          EffectiveDate: '2026-12-01',
          Status: 'Draft',
          Pricebook2Id: book.targetKey,
        });
        const [first, second] = await write('Order', 'Infor_Order_No__c', [order('SO-1'), order('SO-2')]);
        const line = (key: string, extra: JsonObject = {}): JsonObject => ({
          Infor_Line_Key__c: key,
          OrderId: first!.targetKey!,
          PricebookEntryId: entry!.targetKey!,
          Quantity: 1,
          UnitPrice: 1,
          ...extra,
        });
        const created = await write('OrderItem', 'Infor_Line_Key__c', [
          line('SO-1/10'),
          line('SO-1/20'),
          line('SO-1/30'),
        ]);
        expect(created.map((result) => result.outcome)).toEqual(['created', 'created', 'created']);
        expect(warnings).toEqual([]);

        // Through the sObject Collections upsert, or a Bulk API 2.0 job (its rows fail in the same words).
        const again = await connector.write(
          'OrderItem',
          [
            line('SO-1/10', { Quantity: 2 }),
            line('SO-1/20', { OrderId: second!.targetKey! }),
            line('SO-1/30', { TotalPrice: 5 }),
          ],
          {
            matchKey: ['Infor_Line_Key__c'],
            bulk: path === 'bulk',
            onWarning: (message) => warnings.push(message),
          },
        );
        expect(again[0]).toMatchObject({
          outcome: 'updated',
          targetKey: created[0]!.targetKey,
          match: { by: 'external_id' },
        });
        expect(sandbox.inspect.findBy('OrderItem', 'Infor_Line_Key__c', 'SO-1/10')).toMatchObject({
          Quantity: 2,
          OrderId: first!.targetKey,
        });
        // Moving a line to another order is a change Salesforce cannot make: its refusal stands.
        expect(again[1]).toMatchObject({
          outcome: 'failed',
          error: { code: 'INVALID_FIELD_FOR_INSERT_UPDATE', field: 'OrderId' },
        });
        expect(again[1]!.error!.message).toMatch(/^Unable to create\/update fields: OrderId/);
        expect(sandbox.inspect.findBy('OrderItem', 'Infor_Line_Key__c', 'SO-1/20')!.OrderId).toBe(first!.targetKey);
        // A read-only field (not create-only) is the flow's mistake: Salesforce's text, no resend.
        expect(again[2]).toMatchObject({
          outcome: 'failed',
          error: {
            code: 'INVALID_FIELD_FOR_INSERT_UPDATE',
            field: 'TotalPrice',
            message: expect.stringContaining('Unable to create/update fields: TotalPrice.'),
          },
        });
        expect(sandbox.inspect.findBy('OrderItem', 'Infor_Line_Key__c', 'SO-1/30')!.Quantity).toBe(1);
        // The run is told once when fields were left out (only an org that refuses them needs it).
        expect(warnings).toEqual(
          mode === 'refuse'
            ? [
                'Salesforce OrderItem: OrderId, PricebookEntryId are set when a record is created and kept as they are on updates.',
              ]
            : [],
        );
      } finally {
        await connector.close();
        await sandbox.close();
      }
    },
  );
});

describe('Salesforce sandbox switch: orders created activated', () => {
  it('accepts an Activated order on create when the org rule is off, refuses it by default', async () => {
    for (const orderDraftOnCreate of [true, false]) {
      const { sandbox, connector } = await open({ salesRules: { orderDraftOnCreate } });
      try {
        const [account] = await connector.write(
          'Account',
          [{ Infor_Customer_Number__c: 'C1', Name: 'A', Infor_Account_Kind__c: 'Customer' }],
          { matchKey: ['Infor_Customer_Number__c'] },
        );
        const [order] = await connector.write(
          'Order',
          [
            {
              Infor_Order_No__c: 'SO-9',
              AccountId: account!.targetKey!,
              EffectiveDate: '2026-12-01',
              Status: 'Activated',
            },
          ],
          { matchKey: ['Infor_Order_No__c'] },
        );
        expect(order!.outcome, String(orderDraftOnCreate)).toBe(orderDraftOnCreate ? 'failed' : 'created');
      } finally {
        await connector.close();
        await sandbox.close();
      }
    }
  });
});

const withoutQuantity = ({ Quantity, ...rest }: JsonObject): JsonObject => {
  void Quantity;
  return rest;
};

/** A write over the raw API, for records the connector does not write (a custom price book). */
async function rawUpsert(sandbox: SalesforceSandbox, object: string, field: string, records: JsonObject[]) {
  const { settings, secrets } = sandbox.connection();
  const token = await fetch(`${sandbox.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: settings.clientId,
      client_secret: secrets.client_secret,
    }),
  }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
  const response = await fetch(
    `${sandbox.url}/services/data/${settings.apiVersion}/composite/sobjects/${object}/${field}`,
    {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        allOrNone: false,
        records: records.map((record) => ({ attributes: { type: object }, ...record })),
      }),
    },
  );
  return (await response.json()) as Array<{ id?: string; success: boolean }>;
}
