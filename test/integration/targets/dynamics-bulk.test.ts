import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicsConnector } from '../../../electron/backend/connectors/dynamics/dynamics.connector';
import { dynamicsDescriptor } from '../../../electron/backend/connectors/dynamics/dynamics.descriptor';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';

/**
 * The Dataverse bulk path (UpsertMultiple/CreateMultiple) through the connector, against the strict
 * simulator over HTTP on 127.0.0.1: results per record in input order, the all-or-nothing failure
 * recovered record by record, jobs of `write.bulk.maxRecords`.
 */
describe('Dataverse bulk writes (UpsertMultiple / CreateMultiple)', () => {
  let sandbox: DynamicsSandbox;
  let connector: DynamicsConnector;
  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 5, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
    const connection = sandbox.connection();
    connector = new DynamicsConnector({
      connection: { id: 'dynamics-bulk', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      http: { timing: { baseDelayMs: 5, maxDelayMs: 50 }, maxRetries: 2 },
    });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  const bulkCalls = () =>
    sandbox.control
      .requests()
      .filter((call) => call.metered)
      .map((call) => `${call.method} ${call.path.replace(/^\/api\/data\/v9\.2\//, '')}`);

  it('declares the bulk path for writable tables', () => {
    const write = dynamicsDescriptor.entities.account!.write;
    expect(write.mode !== 'read-only' && write.bulk).toMatchObject({ label: 'UpsertMultiple', maxRecords: 1000 });
  });

  it('updates existing and creates new records, each reported in input order with its id', async () => {
    const seeded = sandbox.inspect.records('account').slice(0, 2);
    sandbox.control.clearRequests();
    const warnings: string[] = [];
    const results = await connector.write(
      'account',
      [
        { accountnumber: String(seeded[0]!.accountnumber), name: 'Updated One' },
        { accountnumber: 'BULK-NEW-1', name: 'New One' },
        // Dataverse matches alternate keys case-insensitively: this is the second seeded account.
        { accountnumber: String(seeded[1]!.accountnumber).toLowerCase(), name: 'Updated Two' },
        { accountnumber: 'BULK-NEW-2', name: 'New Two' },
      ],
      { matchKey: ['accountnumber'], bulk: true, onWarning: (message) => warnings.push(message) },
    );
    expect(results.map((result) => result.outcome)).toEqual(['updated', 'created', 'updated', 'created']);
    expect(results[0]!.targetKey).toBe(seeded[0]!.accountid);
    expect(results[2]!.targetKey).toBe(seeded[1]!.accountid);
    expect(sandbox.inspect.record('account', { accountid: results[1]!.targetKey! })).toMatchObject({
      accountnumber: 'BULK-NEW-1',
      name: 'New One',
    });
    expect(sandbox.inspect.record('account', { accountid: results[3]!.targetKey! })?.accountnumber).toBe('BULK-NEW-2');
    expect(sandbox.inspect.record('account', { accountid: seeded[1]!.accountid as string })?.name).toBe('Updated Two');
    expect(warnings).toEqual([]);
    // One lookup $batch, one UpsertMultiple, one CreateMultiple: no per-record requests.
    expect(bulkCalls()).toEqual([
      'POST $batch',
      'POST accounts/Microsoft.Dynamics.CRM.UpsertMultiple',
      'POST accounts/Microsoft.Dynamics.CRM.CreateMultiple',
    ]);
  });

  it('fails a record whose key several records answer, naming them, and writes the others', async () => {
    await connector.write(
      'account',
      [
        { accountnumber: 'BULK-DUP-1', name: 'Twin & Co' },
        { accountnumber: 'BULK-DUP-2', name: 'Twin & Co' },
      ],
      { matchKey: ['accountnumber'] },
    );
    const results = await connector.write(
      'account',
      [
        { name: 'Twin & Co', telephone1: '555' },
        { name: 'Single & Co', telephone1: '556' },
      ],
      { matchKey: ['name'], bulk: true },
    );
    expect(results.map((result) => result.outcome)).toEqual(['failed', 'created']);
    expect(results[0]?.error?.code).toBe('E_SYNC_AMBIGUOUS');
    for (const accountnumber of ['BULK-DUP-1', 'BULK-DUP-2']) {
      const row = sandbox.inspect.record('account', { accountnumber });
      expect(results[0]?.error?.message).toContain(String(row?.accountid));
      expect(row?.telephone1).not.toBe('555');
    }
  });

  it('recovers from the all-or-nothing refusal: good records written, the bad one failed with the system message', async () => {
    sandbox.control.clearRequests();
    const warnings: string[] = [];
    const results = await connector.write(
      'account',
      [
        { accountnumber: 'AON-1', name: 'Good One' },
        { accountnumber: 'AON-2', name: 'Bad One', customertypecode: 42 },
        { accountnumber: 'AON-3', name: 'Good Three' },
        { name: 'No key' },
      ],
      { matchKey: ['accountnumber'], bulk: true, onWarning: (message) => warnings.push(message) },
    );
    expect(results.map((result) => result.outcome)).toEqual(['created', 'failed', 'created', 'failed']);
    expect(results[1]!.error).toMatchObject({ code: '0x8004431a' });
    expect(results[1]!.error!.message).toMatch(/customertypecode|option set|42/i);
    expect(results[3]!.error!.code).toBe('E_SYNC_MATCH_KEY_MISSING');
    expect(sandbox.inspect.record('account', { accountnumber: 'AON-1' })?.accountid).toBe(results[0]!.targetKey);
    expect(sandbox.inspect.record('account', { accountnumber: 'AON-3' })?.accountid).toBe(results[2]!.targetKey);
    expect(sandbox.inspect.record('account', { accountnumber: 'AON-2' })).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/CreateMultiple.*all-or-nothing.*\$batch/);
    expect(bulkCalls()).toEqual(['POST $batch', 'POST accounts/Microsoft.Dynamics.CRM.CreateMultiple', 'POST $batch']);
  });

  it('takes the per-record path, and says so, when the lookup of existing records is refused', async () => {
    sandbox.control.clearRequests();
    const warnings: string[] = [];
    // No alternate key on this column: Dataverse refuses the filter and, per record, the key.
    const results = await connector.write('account', [{ mlc_unknownkey: 'K-1', name: 'Keyless' }], {
      matchKey: ['mlc_unknownkey'],
      bulk: true,
      onWarning: (message) => warnings.push(message),
    });
    expect(results).toHaveLength(1);
    expect(results[0]!.outcome).toBe('failed');
    expect(results[0]!.error!.code).toMatch(/^0x/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/lookup of existing account records.*one request each through \$batch/);
    expect(bulkCalls()).toEqual(['POST $batch', 'POST $batch']);
  });

  it('splits more records than maxRecords into several jobs', async () => {
    sandbox.control.clearRequests();
    const records = Array.from({ length: 2100 }, (_, index) => ({
      accountnumber: `JOB-${String(index).padStart(5, '0')}`,
      name: `Job record ${index}`,
    }));
    const results = await connector.write('account', records, { matchKey: ['accountnumber'], bulk: true });
    expect(results).toHaveLength(2100);
    expect(results.every((result) => result.outcome === 'created')).toBe(true);
    expect(new Set(results.map((result) => result.targetKey)).size).toBe(2100);
    expect(sandbox.inspect.record('account', { accountnumber: 'JOB-02099' })?.accountid).toBe(results[2099]!.targetKey);
    expect(bulkCalls().filter((call) => call.endsWith('CreateMultiple'))).toHaveLength(3);
    expect(bulkCalls()).toHaveLength(6);
  });

  it('stops before the next job once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      connector.write('account', [{ accountnumber: 'CANCEL-1', name: 'x' }], {
        matchKey: ['accountnumber'],
        bulk: true,
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    expect(sandbox.inspect.record('account', { accountnumber: 'CANCEL-1' })).toBeUndefined();
  });

  describe('the simulator is strict', () => {
    let token: string;
    beforeAll(async () => {
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
    });
    const post = (action: string, body: unknown, contentType = 'application/json; charset=utf-8') =>
      fetch(`${sandbox.url}/api/data/v9.2/accounts/Microsoft.Dynamics.CRM.${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const errorOf = async (response: Response) =>
      ((await response.json()) as { error: { code: string; message: string } }).error;

    it('answers UpsertMultiple 204 without a body and names records by @odata.id', async () => {
      const response = await post('UpsertMultiple', {
        Targets: [
          {
            '@odata.type': 'Microsoft.Dynamics.CRM.account',
            '@odata.id': "accounts(accountnumber='STRICT-1')",
            name: 'Strict One',
          },
        ],
      });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(sandbox.inspect.record('account', { accountnumber: 'STRICT-1' })?.name).toBe('Strict One');
    });

    it('refuses a target without @odata.type, or of another table, and writes nothing', async () => {
      const missing = await post('CreateMultiple', {
        Targets: [
          { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountnumber: 'STRICT-2', name: 'Two' },
          { accountnumber: 'STRICT-3', name: 'Three' },
        ],
      });
      expect(missing.status).toBe(400);
      expect((await errorOf(missing)).message).toMatch(/@odata\.type/);
      const other = await post('CreateMultiple', {
        Targets: [{ '@odata.type': 'Microsoft.Dynamics.CRM.contact', accountnumber: 'STRICT-4', name: 'Four' }],
      });
      expect(other.status).toBe(400);
      expect((await errorOf(other)).message).toMatch(/Microsoft\.Dynamics\.CRM\.account/);
      expect(sandbox.inspect.record('account', { accountnumber: 'STRICT-2' })).toBeUndefined();
    });

    it('refuses an unknown column with the Web API error, a wrong Content-Type, and too many targets', async () => {
      const unknown = await post('CreateMultiple', {
        Targets: [{ '@odata.type': 'Microsoft.Dynamics.CRM.account', accountnumber: 'STRICT-5', colour: 'red' }],
      });
      expect(unknown.status).toBe(400);
      expect(await errorOf(unknown)).toEqual({
        code: '0x80060888',
        message: "Could not find a property named 'colour' on type 'Microsoft.Dynamics.CRM.account'.",
      });
      const text = await post('CreateMultiple', '{"Targets":[]}', 'text/plain');
      expect(text.status).toBe(415);
      const many = await post('CreateMultiple', {
        Targets: Array.from({ length: 1001 }, (_, index) => ({
          '@odata.type': 'Microsoft.Dynamics.CRM.account',
          accountnumber: `MANY-${index}`,
          name: `Many ${index}`,
        })),
      });
      expect(many.status).toBe(400);
      expect((await errorOf(many)).message).toMatch(/exceeds the limit of 1000/);
      expect(sandbox.inspect.record('account', { accountnumber: 'MANY-0' })).toBeUndefined();
    });
  });
});
