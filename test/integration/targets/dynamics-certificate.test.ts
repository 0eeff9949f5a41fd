import { createHash, randomUUID, sign, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../electron/backend/backend';
import type { ConnectionTestResult } from '../../../shared/api/connectors.contract';
import type { Result } from '../../../shared/api/result';
import { requiredSecretKeys } from '../../../shared/bundle/bundle-secrets';
import type { Connection } from '../../../shared/domain/connection';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';
import { selfSignedCertificate } from '../../../sandbox/kit/x509';
import { tempDir } from '../../support/paths';

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
const jws = (header: Record<string, unknown>, claims: Record<string, unknown>, key: string) => {
  const input = `${encode({ alg: 'RS256', typ: 'JWT', ...header })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
};
const block = (pem: string, label: string) =>
  new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----\\n?`).exec(pem)![0];

/** Dataverse certificate credentials: a `client_assertion` signed with the app's certificate key (Entra ID). */
describe('Dynamics 365 certificate credentials', () => {
  let sandbox: DynamicsSandbox;

  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 3, contact: 1, salesorder: 1, invoice: 1, quote: 1 } });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('the Entra simulator', () => {
    const tokenUrl = () => `${sandbox.url}/${sandbox.tenant}/oauth2/v2.0/token`;
    const request = async (fields: Record<string, string>) => {
      const { settings } = sandbox.certificateConnection();
      const response = await fetch(tokenUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: String(settings.clientId),
          scope: `${sandbox.url}/.default`,
          ...fields,
        }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const parts = () => {
      const { settings, secrets } = sandbox.certificateConnection();
      const certificate = new X509Certificate(block(secrets.certificate, 'CERTIFICATE'));
      const now = Math.floor(Date.now() / 1000);
      return {
        key: block(secrets.certificate, 'PRIVATE KEY'),
        header: { 'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url') },
        sha1: createHash('sha1').update(certificate.raw).digest('base64url'),
        claims: {
          aud: tokenUrl(),
          iss: settings.clientId,
          sub: settings.clientId,
          jti: randomUUID(),
          nbf: now,
          exp: now + 600,
        } as Record<string, unknown>,
      };
    };
    const assertion = (client_assertion: string) => ({
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion,
    });
    const aadsts = (body: Record<string, unknown>) => (body.error_codes as number[] | undefined)?.[0];

    it('issues a token for an assertion naming the registered certificate by x5t#S256 or x5t', async () => {
      const { key, header, sha1, claims } = parts();
      const good = await request(assertion(jws(header, claims, key)));
      expect(good.status).toBe(200);
      const whoAmI = await fetch(`${sandbox.url}/api/data/v9.2/WhoAmI`, {
        headers: { authorization: `Bearer ${String(good.body.access_token)}`, accept: 'application/json' },
      });
      expect(whoAmI.status).toBe(200);
      expect((await request(assertion(jws({ x5t: sha1 }, { ...claims, jti: randomUUID() }, key)))).status).toBe(200);
    });

    it('refuses an unknown thumbprint or a foreign signature with AADSTS700027', async () => {
      const { header, claims } = parts();
      const stranger = selfSignedCertificate('stranger', new Date());
      const unknown = await request(
        assertion(
          jws(
            { 'x5t#S256': createHash('sha256').update(stranger.certificate.raw).digest('base64url') },
            claims,
            stranger.privateKeyPem,
          ),
        ),
      );
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe('invalid_client');
      expect(aadsts(unknown.body)).toBe(700027);
      expect(String(unknown.body.error_description)).toMatch(
        /^AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application\. \[Reason - The key was not found\., Thumbprint of key used by client: '[0-9A-F]{64}'/,
      );
      const forged = await request(assertion(jws(header, claims, stranger.privateKeyPem)));
      expect(aadsts(forged.body)).toBe(700027);
      expect(String(forged.body.error_description)).toMatch(/failed signature validation/);
    });

    it('checks aud, iss and sub, jti, the time window, and that a credential is sent at all', async () => {
      const { key, header, claims } = parts();
      const now = Math.floor(Date.now() / 1000);
      const cases: Array<[Record<string, unknown>, number]> = [
        [{ ...claims, aud: 'https://login.microsoftonline.com/other/oauth2/v2.0/token' }, 700023],
        [{ ...claims, iss: randomUUID() }, 700021],
        [{ ...claims, sub: randomUUID() }, 700021],
        [{ ...claims, jti: undefined }, 50027],
        [{ ...claims, nbf: now - 1200, exp: now - 900 }, 700024],
      ];
      for (const [changed, code] of cases) {
        const refused = await request(assertion(jws(header, changed, key)));
        expect(refused.status, String(code)).toBe(401);
        expect(aadsts(refused.body)).toBe(code);
      }
      const wrongType = await request({ client_assertion_type: 'jwt', client_assertion: jws(header, claims, key) });
      expect(aadsts(wrongType.body)).toBe(7000218);
      const nothing = await request({});
      expect(aadsts(nothing.body)).toBe(7000218);
    });
  });

  describe('the connector', () => {
    const folder = tempDir('mlc-dynamics-cert-');
    let backend: Backend;
    const create = async (settings: Record<string, unknown>, secrets: Record<string, string>) =>
      value<Connection>(
        await backend.invoke('connections.create', {
          system: 'dynamics',
          name: 'Dataverse',
          settings,
          secrets,
          sandbox: true,
        }),
      );
    const test = async (id: string) => value<ConnectionTestResult>(await backend.invoke('connections.test', { id }));

    beforeAll(() => {
      backend = createBackend({ runtime: 'cli', dataDir: folder.dir });
    });
    afterAll(async () => {
      await backend.close();
      folder.remove();
    });

    it('signs in with the certificate, the PEM pasted on one line', async () => {
      const { settings, secrets } = sandbox.certificateConnection();
      const connection = await create(settings, { certificate: secrets.certificate.replace(/\n/g, ' ') });
      const result = await test(connection.id);
      expect(result.error).toBeUndefined();
      expect(result.ok).toBe(true);
    });

    it('names an unregistered certificate (AADSTS700027) and a key that is not the certificate’s, never showing the key', async () => {
      const { settings } = sandbox.certificateConnection();
      const stranger = selfSignedCertificate('stranger', new Date());
      const unregistered = await create(settings, { certificate: stranger.certificatePem + stranger.privateKeyPem });
      const refused = await test(unregistered.id);
      expect(refused.error?.code).toBe('E_AUTH_FAILED');
      expect(refused.error?.message).toMatch(/certificate is not registered on the app.*AADSTS700027/);
      expect(JSON.stringify(refused)).not.toContain(stranger.privateKeyPem.split('\n')[1]!);

      const mixed = await create(settings, {
        certificate: block(sandbox.certificateConnection().secrets.certificate, 'CERTIFICATE') + stranger.privateKeyPem,
      });
      expect((await test(mixed.id)).error?.message).toMatch(/private key does not belong to the certificate/);
    });

    it('asks bundles for the slot of the chosen credential', () => {
      expect(requiredSecretKeys('dynamics', {})).toEqual(['client_secret']);
      expect(requiredSecretKeys('dynamics', { credential: 'certificate' })).toEqual(['certificate']);
    });
  });
});
