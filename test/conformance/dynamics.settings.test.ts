import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamicsSecretsSchema, dynamicsSettingsSchema } from '../../shared/connectors/dynamics.settings';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../sandbox/dynamics/index';

describe('Dynamics 365 connection settings', () => {
  let sandbox: DynamicsSandbox;
  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 1, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
  });
  afterAll(() => sandbox.close());

  it('accepts the ready-made sandbox connection', () => {
    const connection = sandbox.connection();
    const settings = dynamicsSettingsSchema.parse(connection.settings);
    expect(settings.orgUrl).toBe(sandbox.url);
    expect(settings.duplicateDetection).toBe(false);
    expect(dynamicsSecretsSchema.parse(connection.secrets).client_secret).toBe(connection.secrets.client_secret);
  });

  it('fills defaults and trims trailing slashes', () => {
    const settings = dynamicsSettingsSchema.parse({
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-3333-4444-555555555555',
      orgUrl: 'https://contoso.crm4.dynamics.com/',
    });
    expect(settings).toMatchObject({
      orgUrl: 'https://contoso.crm4.dynamics.com',
      authorityUrl: 'https://login.microsoftonline.com',
      apiVersion: '9.2',
    });
  });

  it('explains what is wrong', () => {
    const result = dynamicsSettingsSchema.safeParse({
      tenant: 'contoso.onmicrosoft.com',
      clientId: 'my app',
      orgUrl: 'contoso.crm4',
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(messages).toContain(
      'clientId: The application (client) id is a GUID like 00000000-0000-0000-0000-000000000000.',
    );
    expect(messages).toContain(
      'orgUrl: The environment URL must be a full URL such as https://contoso.crm4.dynamics.com.',
    );
    const secret = dynamicsSecretsSchema.safeParse({ client_secret: '11111111-2222-3333-4444-555555555555' });
    expect(secret.error?.issues[0]?.message).toBe('This looks like the secret id; paste the secret value instead.');
  });
});
