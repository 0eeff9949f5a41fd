import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCin7Connector, type Cin7Connector } from '../../../electron/backend/connectors/cin7/cin7.connector';
import { startCin7Sandbox, type Cin7Sandbox } from '../../../sandbox/cin7';

/**
 * Cin7 chart of accounts writes (API-FACTS §6.2): matched by `Code`, looked up first (one list call),
 * then POST (new code) or PUT (known code), one object per call; Cin7's refusals come back per record.
 */
describe('Cin7 chart of accounts: create, update and refusals', () => {
  let sandbox: Cin7Sandbox;
  let connector: Cin7Connector;

  beforeAll(async () => {
    sandbox = await startCin7Sandbox({ rateLimit: null, counts: { suppliers: 0, customers: 0, purchases: 0 } });
    const connection = sandbox.connection();
    connector = createCin7Connector({
      connection: { id: 'cin7-accounts', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector?.close();
    await sandbox?.close();
  });

  const account = (sandboxCode: string) => sandbox.inspect.accounts().find((item) => item.Code === sandboxCode);

  it('creates a new code and updates a known one, one call each after one list call', async () => {
    sandbox.inspect.clearCalls();
    const results = await connector.write(
      'Account',
      [
        { Code: '100010', Name: 'Cash at bank', Type: 'CURRENT', Class: 'ASSET', Status: 'ACTIVE' },
        { Code: '400', Name: 'Marketing', Type: 'EXPENSE', Class: 'EXPENSE', Status: 'ACTIVE' },
      ],
      { matchKey: ['Code'] },
    );
    expect(results.map((result) => [result.outcome, result.targetKey])).toEqual([
      ['created', '100010'],
      ['updated', '400'],
    ]);
    expect(account('100010')).toMatchObject({ Name: 'Cash at bank', Type: 'CURRENT', Class: 'ASSET' });
    expect(account('400')).toMatchObject({ Name: 'Marketing', DisplayName: '400 - Marketing' });
    expect(sandbox.inspect.calls().map((call) => call.method)).toEqual(['GET', 'POST', 'PUT']);
    // Written, then read back through the connector as the target of a reconcile reads it.
    const hits = await connector.lookup('Account', 'Code', ['100010']);
    expect(hits.get('100010')?.data).toMatchObject({ Name: 'Cash at bank' });
  });

  it('refuses a record missing required fields, or BANK details, or with an unknown Class, naming the code', async () => {
    const results = await connector.write(
      'Account',
      [
        { Code: '100020', Name: 'No type' },
        { Code: '100030', Name: 'Bank', Type: 'BANK', Class: 'ASSET', Status: 'ACTIVE' },
        { Code: '100040', Name: 'Odd', Type: 'CURRENT', Class: 'INCOME', Status: 'ACTIVE' },
        { Name: 'No code', Type: 'CURRENT', Status: 'ACTIVE' },
      ],
      { matchKey: ['Code'] },
    );
    expect(results.map((result) => result.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(results[0]!.error?.message).toMatch(/account 100020: Type is required\.; Status is required\./);
    expect(results[1]!.error?.message).toMatch(/account 100030: Bank is required .*BankAccountNumber is required/);
    expect(results[2]!.error?.message).toMatch(/account 100040: Class 'INCOME' is not valid/);
    expect(results[3]!.error).toMatchObject({ field: 'Code' });
    expect(['100020', '100030', '100040'].map(account)).toEqual([undefined, undefined, undefined]);
  });

  it('refuses a duplicate code on POST (the simulator) and turns it into a PUT (the connector)', async () => {
    const connection = sandbox.connection();
    const post = (body: object) =>
      fetch(`${connection.settings.baseUrl}/ref/account`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'api-auth-accountid': connection.secrets.accountId,
          'api-auth-applicationkey': connection.secrets.applicationKey,
        },
        body: JSON.stringify(body),
      });
    const fields = { Name: 'Made elsewhere', Type: 'EXPENSE', Class: 'EXPENSE', Status: 'ACTIVE' };
    const first = await post({ Code: '100050', ...fields });
    expect(first.status).toBe(200);
    const again = await post({ Code: '100050', ...fields });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ ErrorCode: 400, Exception: "Account with Code '100050' already exists." });

    // A fresh connector has not listed the codes since the one above made 100060 behind its back.
    const other = createCin7Connector({
      connection: { id: 'cin7-accounts-2', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    try {
      await other.write('Account', [{ Code: '100060', ...fields }], { matchKey: ['Code'] });
      expect((await post({ Code: '100060', ...fields, Name: 'Made later' })).status).toBe(400);
      const [result] = await other.write('Account', [{ Code: '100060', ...fields, Name: 'Renamed' }], {
        matchKey: ['Code'],
      });
      expect(result).toMatchObject({ outcome: 'updated', targetKey: '100060' });
      expect(account('100060')?.Name).toBe('Renamed');
    } finally {
      await other.close();
    }
  });

  // How Cin7 refuses a linked chart is unpublished (switch accountsLinkedAnswer): a bare 403, which the
  // HTTP layer would take for bad credentials, or a 400 saying why. Either way each record fails alone.
  it.each([
    {
      answer: 'forbidden-403' as const,
      code: '403',
      says: /account 400: HTTP 403 \(Forbidden\)\. .*Xero or QuickBooks Online/,
    },
    { answer: 'error-400' as const, code: '400', says: /account 400: .*Xero\/QuickBooks Online/ },
  ])(
    'refuses every account write while Xero/QBO keeps the chart read-only ($answer), record by record, and takes them again after',
    async ({ answer, code, says }) => {
      sandbox.control.setSwitches({ accountsLinked: true, accountsLinkedAnswer: answer });
      try {
        const results = await connector.write(
          'Account',
          [
            { Code: '400', Name: 'Advertising', Type: 'EXPENSE', Class: 'EXPENSE', Status: 'ACTIVE' },
            { Code: '100070', Name: 'Linked New', Type: 'EXPENSE', Class: 'EXPENSE', Status: 'ACTIVE' },
          ],
          { matchKey: ['Code'] },
        );
        expect(results.map((result) => [result.outcome, result.error?.code])).toEqual([
          ['failed', code],
          ['failed', code],
        ]);
        expect(results[0]!.error?.message).toMatch(says);
        expect(results[1]!.error?.message).toMatch(/account 100070: /);
        expect(account('400')?.Name).toBe('Marketing');
        expect(account('100070')).toBeUndefined();
      } finally {
        sandbox.control.setSwitches({ accountsLinked: false });
      }
      const [result] = await connector.write(
        'Account',
        [{ Code: '400', Name: 'Marketing', Type: 'EXPENSE', Class: 'EXPENSE', Status: 'ACTIVE' }],
        { matchKey: ['Code'] },
      );
      expect(result).toMatchObject({ outcome: 'updated', targetKey: '400' });
    },
  );
});
