import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEntraToken } from '../../electron/backend/connectors/dynamics/dynamics-auth';
import {
  dynamicsDescriptor,
  serviceProtectionCodes,
} from '../../electron/backend/connectors/dynamics/dynamics.descriptor';
import {
  extractDataverseErrorCode,
  parseDataverseError,
} from '../../electron/backend/connectors/dynamics/dynamics-odata';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../sandbox/dynamics/index';
import { fixturePath, readFixture, readJsonFixture } from '../support/paths';
import fs from 'node:fs';

/** Every payload in ../shared/fixtures/dynamics is parsed here, by the connector's own parsers and against the sandbox's shapes. */
describe('Dynamics 365 real-world payloads', () => {
  let sandbox: DynamicsSandbox;
  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 3, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
  });
  afterAll(() => sandbox.close());

  it('covers every file in the folder', () => {
    expect(fs.readdirSync(fixturePath('dynamics')).sort()).toEqual([
      'entra_client_credentials_token_response.json',
      'error_429_service_protection.json',
    ]);
  });

  it('reads the Entra client-credentials token response', async () => {
    const fixture = readJsonFixture<Record<string, unknown>>(
      'dynamics',
      'entra_client_credentials_token_response.json',
    );
    const token = parseEntraToken(fixture, 1_000_000);
    expect(token.accessToken).toBe(fixture.access_token);
    expect(token.lifetimeSeconds).toBe(fixture.expires_in);
    expect(token.expiresAt).toBe(1_000_000 + Number(fixture.expires_in) * 1000);
    expect(token.refreshToken).toBeUndefined();

    // The sandbox's token endpoint answers with the same members and types.
    const connection = sandbox.connection();
    const response = await fetch(`${sandbox.url}/${connection.settings.tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(connection.settings.clientId),
        client_secret: connection.secrets.client_secret!,
        scope: `${sandbox.url}/.default`,
      }),
    });
    const simulated = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(simulated).sort()).toEqual(Object.keys(fixture).sort());
    for (const [name, value] of Object.entries(fixture)) expect(typeof simulated[name]).toBe(typeof value);
    expect(simulated.expires_in).toBe(fixture.expires_in);
  });

  it('reads the service-protection 429 body and classifies its code as retryable', async () => {
    const text = readFixture('dynamics', 'error_429_service_protection.json');
    const error = parseDataverseError(text);
    expect(error?.code).toBe('0x80072322');
    expect(error?.message).toMatch(/^Number of requests exceeded the limit of \d+ over time window of 300 seconds\.$/);
    const code = extractDataverseErrorCode({
      status: 429,
      headers: {},
      text,
      data: undefined,
      url: 'https://org.crm.dynamics.com/',
    });
    expect(serviceProtectionCodes as readonly string[]).toContain(code);
    expect(dynamicsDescriptor.errors.retryableCodes).toContain(code);
    expect(dynamicsDescriptor.errors.retryableStatuses).toContain(429);

    // The sandbox throttles with the same body shape, the configured limit in the text, and a Retry-After.
    sandbox.control.protectionLimits({ requests: 8000 });
    sandbox.control.throttle('0x80072322', 1, 3);
    const token = await (
      await fetch(`${sandbox.url}/${sandbox.tenant}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: String(sandbox.connection().settings.clientId),
          client_secret: sandbox.connection().secrets.client_secret!,
          scope: `${sandbox.url}/.default`,
        }),
      })
    ).json();
    const throttled = await fetch(`${sandbox.url}/api/data/v9.2/WhoAmI`, {
      headers: { authorization: `Bearer ${(token as { access_token: string }).access_token}` },
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(await throttled.json()).toEqual(JSON.parse(text));
    sandbox.control.protectionLimits({});
  });
});
