import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoConnector, type ZohoConnector } from '../../../electron/backend/connectors/zoho/zoho.connector';
import { zohoDescriptor } from '../../../electron/backend/connectors/zoho/zoho.descriptor';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/index';
import { zohoOrgId } from '../../../sandbox/zoho/zoho-bulk';

/**
 * Zoho Bulk Write through the connector against the strict simulator over HTTP on 127.0.0.1:
 * zip CSV upload, job, polls, result download, results per record in input order.
 */
describe('Zoho CRM Bulk Write', () => {
  let sandbox: ZohoSandbox;
  let zoho: ZohoConnector;
  const connect = (target: ZohoSandbox) => {
    const connection = target.connection();
    return createZohoConnector({
      connection: {
        id: `zoho-bulk-${Math.random()}`,
        // The simulator completes a job after one poll; the connector's first wait is 5 ms here.
        settings: { ...connection.settings, bulkPollMs: 5 },
        sandbox: true,
      },
      secrets: connection.secrets,
    });
  };
  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seedAccounts: 10 });
    zoho = connect(sandbox);
  });
  afterAll(async () => {
    await zoho.close();
    await sandbox.close();
  });
  const routes = () =>
    sandbox.control
      .requests()
      .filter((call) => call.metered)
      .map((call) => call.route);

  it('declares Bulk Write for its modules', () => {
    const write = zohoDescriptor.entities.Accounts!.write;
    expect(write.mode !== 'read-only' && write.bulk).toMatchObject({ label: 'Bulk Write', maxRecords: 25_000 });
  });

  it('reports created, updated and failed per record in input order, and charges 500 credits a job', async () => {
    const [existing] = await zoho.write(
      'Accounts',
      [{ Infor_Customer_No: 'BW-1', Account_Name: 'Before Bulk', Account_Type: 'Customer' }],
      { matchKey: ['Infor_Customer_No'] },
    );
    sandbox.control.clearRequests();
    const before = sandbox.inspect.credits().used;
    const results = await zoho.write(
      'Accounts',
      [
        { Infor_Customer_No: 'BW-1', Account_Name: 'After Bulk', Account_Type: 'Customer' },
        { Infor_Customer_No: 'BW-2', Account_Name: 'New Bulk', Account_Type: 'Prospect' },
        // No mandatory Account_Name: Zoho skips the row and says why in ERRORS.
        { Infor_Customer_No: 'BW-3', Account_Type: 'Customer' },
        { Infor_Customer_No: 'BW-4', Account_Name: 'Other New', Parent_Account: { id: existing!.targetKey! } },
      ],
      { matchKey: ['Infor_Customer_No'], bulk: true },
    );
    expect(results.map((result) => result.outcome)).toEqual(['updated', 'created', 'failed', 'created']);
    expect(results[0]!.targetKey).toBe(existing!.targetKey);
    expect(results[2]!.error).toMatchObject({ code: 'MANDATORY_NOT_FOUND', field: 'Account_Name' });
    for (const [index, key] of [
      [1, 'BW-2'],
      [3, 'BW-4'],
    ] as const) {
      expect(results[index]!.targetKey).toMatch(/^\d{19}$/);
      expect(sandbox.inspect.findBy('Accounts', 'Infor_Customer_No', key)?.id).toBe(results[index]!.targetKey);
    }
    expect(sandbox.inspect.findBy('Accounts', 'Infor_Customer_No', 'BW-1')?.Account_Name).toBe('After Bulk');
    expect((sandbox.inspect.findBy('Accounts', 'Infor_Customer_No', 'BW-4')?.Parent_Account as { id: string }).id).toBe(
      existing!.targetKey,
    );
    expect(sandbox.inspect.findBy('Accounts', 'Infor_Customer_No', 'BW-3')).toBeUndefined();
    expect(routes()).toEqual([
      'Zoho org',
      'Zoho upload',
      'Zoho modules',
      'Zoho bulk write',
      'Zoho bulk write job',
      'Zoho bulk write job',
      'Zoho bulk write result',
    ]);
    // org 1 + modules 1 + upload 1 + job 500 + two polls.
    expect(sandbox.inspect.credits().used - before).toBe(505);
  });

  it('round-trips commas, quotes, newlines and non-ASCII through the CSV', async () => {
    const awkward = {
      Infor_Customer_No: 'BW-CSV',
      Account_Name: 'Müller, "Söhne" & Co — 東京',
      Description: 'Line one,\r\nline "two"\nlast; ünïcödé ✓',
      Billing_City: 'Gdańsk',
    };
    const [result] = await zoho.write('Accounts', [awkward], { matchKey: ['Infor_Customer_No'], bulk: true });
    expect(result!.outcome).toBe('created');
    const stored = sandbox.inspect.findBy('Accounts', 'Infor_Customer_No', 'BW-CSV')!;
    expect(stored.id).toBe(result!.targetKey);
    expect({
      Account_Name: stored.Account_Name,
      Description: stored.Description,
      Billing_City: stored.Billing_City,
    }).toEqual({
      Account_Name: awkward.Account_Name,
      Description: awkward.Description,
      Billing_City: awkward.Billing_City,
    });
  });

  it('splits more than 25,000 records into several jobs', async () => {
    sandbox.control.clearRequests();
    const records = Array.from({ length: 25_003 }, (_, index) => ({
      Infor_Customer_No: `BJ${String(index).padStart(6, '0')}`,
      Account_Name: `Bulk job ${index}`,
    }));
    const results = await zoho.write('Accounts', records, { matchKey: ['Infor_Customer_No'], bulk: true });
    expect(results).toHaveLength(25_003);
    expect(results.every((result) => result.outcome === 'created')).toBe(true);
    expect(sandbox.inspect.findBy('Accounts', 'Infor_Customer_No', 'BJ025002')?.id).toBe(results[25_002]!.targetKey);
    expect(routes().filter((route) => route === 'Zoho upload')).toHaveLength(2);
    expect(routes().filter((route) => route === 'Zoho bulk write')).toHaveLength(2);
  });

  it('stops polling once cancelled', async () => {
    sandbox.control.holdBulkJobs(true);
    sandbox.control.clearRequests();
    const polls = () => routes().filter((route) => route === 'Zoho bulk write job').length;
    const controller = new AbortController();
    const writing = zoho.write('Accounts', [{ Infor_Customer_No: 'BW-CANCEL', Account_Name: 'Cancelled' }], {
      matchKey: ['Infor_Customer_No'],
      bulk: true,
      signal: controller.signal,
    });
    try {
      while (polls() < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      await expect(writing).rejects.toThrow();
      const seen = polls();
      // The loop has ended: a later poll could only come from a timer the abort failed to clear.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(polls()).toBe(seen);
    } finally {
      sandbox.control.holdBulkJobs(false);
    }
  });

  describe('the simulator is strict', () => {
    const apiDomain = () => String(sandbox.connection().settings.apiDomain);
    const zipOf = (csv: string) => zipSync({ 'Accounts.csv': strToU8(csv) });
    const upload = (file: Uint8Array, headers: Record<string, string> = {}) => {
      const boundary = 'xYzBoundary';
      return zoho.http.request({
        method: 'POST',
        url: `${apiDomain()}/crm/v8/upload`,
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          feature: 'bulk-write',
          'x-crm-org': zohoOrgId,
          ...headers,
        },
        body: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\nContent-Type: application/zip\r\n\r\n`,
          ),
          Buffer.from(file),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
        expect: 'json',
        passStatuses: [400],
      });
    };

    it('refuses a file that is not a zip, and an upload without the feature header', async () => {
      const plain = await upload(strToU8('Account_Name\r\nNot zipped\r\n'));
      expect(plain.status).toBe(400);
      expect(plain.data).toMatchObject({
        code: 'INVALID_FILE_FORMAT',
        message: 'invalid file format. only zip format is supported',
      });
      const noFeature = await upload(zipOf('Account_Name\r\nA\r\n'), { feature: '' });
      expect(noFeature.status).toBe(400);
      expect(noFeature.data).toMatchObject({
        'x-error': 'check if headers [feature, X-CRM-ORG] are present and valid',
      });
    });

    it('refuses an unknown field in field_mappings', async () => {
      const uploaded = await upload(zipOf('Infor_Customer_No,Colour\r\nX-1,red\r\n'));
      const fileId = (uploaded.data as { details: { file_id: string } }).details.file_id;
      const job = await zoho.http.request({
        method: 'POST',
        url: `${apiDomain()}/crm/bulk/v8/write`,
        json: {
          operation: 'upsert',
          resource: [
            {
              type: 'data',
              module: { api_name: 'Accounts' },
              file_id: fileId,
              find_by: 'Infor_Customer_No',
              field_mappings: [
                { api_name: 'Infor_Customer_No', index: 0 },
                { api_name: 'Colour', index: 1 },
              ],
            },
          ],
        },
        expect: 'json',
        passStatuses: [400],
      });
      expect(job.status).toBe(400);
      expect(job.data).toMatchObject({ code: 'INVALID_DATA', message: 'invalid mapping. invalid api_name Colour.' });
    });

    it('refuses a file of more rows than the limit', async () => {
      const small = await startZohoSandbox({ seedAccounts: 0, bulkMaxRows: 3 });
      const connector = connect(small);
      try {
        const results = connector.write(
          'Accounts',
          Array.from({ length: 4 }, (_, index) => ({ Infor_Customer_No: `L-${index}`, Account_Name: `L ${index}` })),
          { matchKey: ['Infor_Customer_No'], bulk: true },
        );
        await expect(results).rejects.toThrow(/FILE_TOO_LARGE/);
        expect(small.inspect.count('Accounts')).toBe(0);
      } finally {
        await connector.close();
        await small.close();
      }
    });
  });
});
