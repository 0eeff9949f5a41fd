import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenSchemaFields } from '../../../shared/mapping';
import { InforConnector } from '../../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../../electron/backend/connectors/infor/ionapi';
import { createZohoConnector } from '../../../electron/backend/connectors/zoho/zoho.connector';
import { startInforSandbox, type InforSandbox } from '../../../sandbox/infor/index';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/index';

/**
 * Fields a mapping fills below the top level: each M3 order line's own fields (so an array loop
 * has something to map) and the `id` inside a Zoho lookup (Zoho takes lookups as `{ "id": … }`).
 */
describe('schema discovery of nested fields', () => {
  let infor: InforSandbox;
  let zoho: ZohoSandbox;
  beforeAll(async () => {
    [infor, zoho] = await Promise.all([
      startInforSandbox({ counts: { customers: 5, salesOrders: 5 } }),
      startZohoSandbox({ seedAccounts: 3 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([infor?.close(), zoho?.close()]);
  });

  it('describes the fields of each M3 order line, and they match what a read returns', async () => {
    const parsed = parseIonApi(JSON.stringify(infor.ionapi()));
    const connector = new InforConnector({
      connection: {
        id: `m3-lines-${Math.random()}`,
        settings: { ...ionApiSettings(parsed), productLine: 'm3' },
        sandbox: parsed.sandbox,
      },
      secrets: ionApiSecrets(parsed),
    });
    try {
      const schema = await connector.schema('salesOrders', { refresh: true });
      const lines = schema.fields.find((field) => field.name === 'lines');
      expect(lines?.type).toBe('array');
      const names = (lines?.children ?? []).map((field) => field.name);
      for (const name of ['ORQT', 'SAPR', 'ITDS', 'ITNO']) expect(names).toContain(name);
      expect(flattenSchemaFields(schema.fields).map((entry) => entry.handle)).toContain('lines[].ORQT');
      // Every described line field is one a read actually delivers.
      for await (const page of connector.read('salesOrders', { pageSize: 5 })) {
        const line = (page.records[0]?.data.lines as Record<string, unknown>[] | undefined)?.[0];
        expect(line).toBeDefined();
        for (const name of names) expect(Object.keys(line ?? {})).toContain(name);
        break;
      }
    } finally {
      await connector.close();
    }
  });

  it('gives every Zoho lookup an id member, inside subforms too', async () => {
    const connection = zoho.connection();
    const connector = createZohoConnector({
      connection: { id: `zoho-lookups-${Math.random()}`, settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    try {
      const schema = await connector.schema('Sales_Orders', { refresh: true });
      const handles = new Map(flattenSchemaFields(schema.fields).map((entry) => [entry.handle, entry.field]));
      expect(handles.get('Account_Name')?.type).toBe('reference');
      expect(handles.get('Account_Name.id')?.type).toBe('string');
      expect(handles.get('Account_Name.id')?.readOnly).toBe(false);
      expect(handles.get('Ordered_Items[].Product_Name.id')?.type).toBe('string');
      // Lookups the target fills itself stay read-only down to their id.
      expect(handles.get('Created_By.id')?.readOnly).toBe(true);
    } finally {
      await connector.close();
    }
  });
});
