import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { syncService } from '../../electron/backend/sync/sync.service';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInforAndTarget, saveFlow } from './support/connect';

/**
 * "Invoices and purchase orders logged as activities on the matching account": M3 customers become
 * Salesforce Accounts, then each M3 invoice becomes a Task whose WhatId is its customer's Account id,
 * found by `$lookupRef('Account', CUNO)`. End to end through the engine against both simulators.
 */
const customerToAccount =
  '{ "Infor_Customer_Number__c": CUNO, "Name": CUNM, "AccountNumber": CUNO, "Infor_Account_Kind__c": "Customer" }';
const invoiceToTask = `{
  "Infor_Activity_Key__c": "INV/" & DIVI & "/" & YEA4 & "/" & JRNO & "/" & JSNO,
  "Subject": "Invoice " & CINO & " " & CUCD & " " & CUAM,
  "WhatId": $lookupRef("Account", CUNO),
  "ActivityDate": $contains(IVDT, "-") ? IVDT : $substring(IVDT, 0, 4) & "-" & $substring(IVDT, 4, 2) & "-" & $substring(IVDT, 6, 2),
  "Status": "Completed",
  "Description": "Infor invoice " & CINO & " for customer " & CUNO
}`;

describe('Infor invoices logged as Salesforce Tasks on the matching Account', () => {
  const folder = tempDir('mlc-sf-tasks-');
  let infor: InforSandbox;
  let salesforce: SalesforceSandbox;
  let backend: Backend;
  let api: ApiClient;
  let source: Connection;
  let target: Connection;

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers: 25, salesOrders: 20, invoices: 40 } });
    salesforce = await startSalesforceSandbox({ seedAccounts: 0 });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
    ({ source, target } = await connectInforAndTarget(api, infor, 'salesforce', salesforce.connection()));
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await Promise.all([infor?.close(), salesforce?.close()]);
    folder.remove();
  });

  const flow = async (input: Parameters<typeof saveFlow>[2]) => (await saveFlow(api, { source, target }, input)).flow;

  it('writes one Task per invoice, each related to its customer’s Account, and never duplicates them on the next run', async () => {
    const accounts = await flow({
      name: 'Customers → Accounts',
      sourceEntity: 'customers',
      targetEntity: 'Account',
      expression: customerToAccount,
      matchKey: 'Infor_Customer_Number__c',
    });
    const tasks = await flow({
      name: 'Invoices → Tasks',
      sourceEntity: 'invoices',
      targetEntity: 'Task',
      expression: invoiceToTask,
      matchKey: 'Infor_Activity_Key__c',
      dependsOn: [accounts.id],
    });
    const runs = await syncService(backend.context).engine.runPass([tasks.id, accounts.id]);
    expect(runs.map((run) => run.flowId)).toEqual([accounts.id, tasks.id]);
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(runs[1]!.counters).toMatchObject({ created: 40, failed: 0 });

    const accountByCustomer = new Map(
      salesforce.inspect
        .records('Account')
        .map((account) => [String(account.Infor_Customer_Number__c), String(account.Id)]),
    );
    const written = salesforce.inspect.records('Task');
    expect(written).toHaveLength(40);
    for (const task of written) {
      const customer = /for customer (\S+)$/.exec(String(task.Description))![1]!;
      expect(task.WhatId, String(task.Infor_Activity_Key__c)).toBe(accountByCustomer.get(customer));
      expect(String(task.WhatId)).toMatch(/^001/);
      expect(task.ActivityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(task).toMatchObject({ Status: 'Completed', Priority: 'Normal' });
    }

    // A second pass finds the same Tasks by their Infor key: nothing new is created.
    const again = await syncService(backend.context).engine.runPass([accounts.id, tasks.id]);
    expect(again.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(again[1]!.counters.created ?? 0).toBe(0);
    expect(salesforce.inspect.count('Task')).toBe(40);
  }, 120_000);
});
