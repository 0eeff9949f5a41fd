import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { SandboxServer, SimulatorContext } from '../kit';
import { createRandom, uuidFrom, type Random } from '../kit';
import { countAlive, revokeAll } from '../kit/tokens';

/**
 * The ION authorization server (`{pu}{ot}`, `{pu}{or}`) and the gateway's bearer check.
 * Tokens are RS256 JWS with the claims of a real ION token; the gateway validates them by
 * lookup (so revocation and `expireTokens` are exact) and by the sandbox clock (expiry).
 */
export interface InforApp {
  kind: 'backend-service' | 'client-credentials';
  clientId: string;
  clientSecret: string;
  appName: string;
  serviceAccountKey?: string;
  serviceAccountSecret?: string;
}

interface Grant {
  id: string;
  clientId: string;
  subject: string;
  scope: string;
  refreshToken?: string;
  revoked: boolean;
}

interface AccessToken {
  grantId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface InforAuthOptions {
  tenant: string;
  seed: number;
  tokenLifetimeSeconds: number;
  issueRefreshTokens: boolean;
}

let signingKey: KeyObject | undefined;
/** One key per process: generating RSA keys is slow and tokens are opaque to clients anyway. */
function privateKey(): KeyObject {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return signingKey;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function secretText(random: Random, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from({ length }, () => random.pick([...alphabet])).join('');
}

export class InforAuth {
  readonly apps: { backend: InforApp; clientCredentials: InforApp };
  private readonly grants = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private serviceAccountRevoked = false;
  private readonly keyId: string;

  constructor(
    private readonly options: InforAuthOptions,
    private readonly server: SandboxServer,
  ) {
    // Deterministic credentials: the written .ionapi files stay valid across restarts with the same seed.
    const random = createRandom(`${options.seed}:${options.tenant}:credentials`);
    this.keyId = `kg:${uuidFrom(random)}`;
    this.apps = {
      backend: {
        kind: 'backend-service',
        appName: 'MLC_SANDBOX_BACKEND',
        clientId: `${options.tenant}~${secretText(random, 43)}`,
        clientSecret: secretText(random, 86),
        serviceAccountKey: `${options.tenant}#${secretText(random, 86)}`,
        serviceAccountSecret: secretText(random, 86),
      },
      clientCredentials: {
        kind: 'client-credentials',
        appName: 'MLC_SANDBOX_CLIENT',
        clientId: `${options.tenant}~${secretText(random, 43)}`,
        clientSecret: secretText(random, 86),
      },
    };
  }

  revokeServiceAccount(revoked = true): void {
    this.serviceAccountRevoked = revoked;
  }

  /** Every access token stops working now; refresh tokens stay valid (the client's refresh path is what tests want). */
  expireAccessTokens(): number {
    return revokeAll(this.accessTokens.values());
  }

  describe() {
    const now = this.server.clock.now();
    const alive = countAlive(this.accessTokens.values(), now);
    return { accessTokensAlive: alive, grants: this.grants.size, serviceAccountRevoked: this.serviceAccountRevoked };
  }

  /** Gateway check: true when the call may proceed; otherwise the 401 has been sent. */
  authorize(context: SimulatorContext): boolean {
    const header = context.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match?.[1] ? this.accessTokens.get(match[1]) : undefined;
    const grant = token ? this.grants.get(token.grantId) : undefined;
    if (token && grant && !token.revoked && !grant.revoked && token.expiresAt > context.clock.now()) return true;
    const error = match ? 'invalid_token' : 'invalid_request';
    context.json(
      401,
      { error, error_description: match ? 'The access token is invalid or has expired' : 'Bearer token required' },
      {
        'www-authenticate': `Bearer error="${error}"`,
      },
    );
    return false;
  }

  async token(context: SimulatorContext): Promise<void> {
    const form = await this.form(context);
    if (!form) return;
    const client = this.clientFrom(context, form);
    if (!client)
      return this.fail(context, 401, 'invalid_client', 'Client authentication failed', {
        'www-authenticate': 'Basic realm="token"',
      });
    const grantType = form.get('grant_type');
    const scope = form.get('scope') ?? 'openid';
    if (grantType === 'password') {
      const username = form.get('username');
      const password = form.get('password');
      if (!client.serviceAccountKey)
        return this.fail(context, 400, 'unauthorized_client', 'This app has no service account');
      if (
        this.serviceAccountRevoked ||
        username !== client.serviceAccountKey ||
        password !== client.serviceAccountSecret
      ) {
        return this.fail(context, 400, 'invalid_grant', 'The service account credentials are invalid or revoked');
      }
      return this.issue(context, this.newGrant(client, username, scope));
    }
    if (grantType === 'client_credentials') {
      return this.issue(context, this.newGrant(client, client.clientId, scope));
    }
    if (grantType === 'refresh_token') {
      const grantId = this.refreshTokens.get(form.get('refresh_token') ?? '');
      const grant = grantId ? this.grants.get(grantId) : undefined;
      if (!grant || grant.revoked || grant.clientId !== client.clientId) {
        return this.fail(context, 400, 'invalid_grant', 'The refresh token is invalid, expired or revoked');
      }
      this.server.bump('refreshes');
      return this.issue(context, grant);
    }
    return this.fail(context, 400, 'unsupported_grant_type', `grant_type "${grantType ?? ''}" is not supported`);
  }

  async revoke(context: SimulatorContext): Promise<void> {
    const form = await this.form(context);
    if (!form) return;
    const client = this.clientFrom(context, form);
    if (!client) return this.fail(context, 401, 'invalid_client', 'Client authentication failed');
    const value = form.get('token') ?? '';
    const grantId = this.refreshTokens.get(value) ?? this.accessTokens.get(value)?.grantId;
    const grant = grantId ? this.grants.get(grantId) : undefined;
    // RFC 7009: an unknown token is not an error.
    if (grant && grant.clientId === client.clientId) {
      grant.revoked = true;
      if (grant.refreshToken) this.refreshTokens.delete(grant.refreshToken);
      for (const token of this.accessTokens.values()) if (token.grantId === grant.id) token.revoked = true;
      this.server.bump('revocations');
    }
    context.empty(200);
  }

  private newGrant(client: InforApp, subject: string, scope: string): Grant {
    const grant: Grant = {
      id: randomBytes(16).toString('hex'),
      clientId: client.clientId,
      subject,
      scope,
      revoked: false,
    };
    if (this.options.issueRefreshTokens && client.kind === 'backend-service') {
      grant.refreshToken = randomBytes(24).toString('base64url');
      this.refreshTokens.set(grant.refreshToken, grant.id);
    }
    this.grants.set(grant.id, grant);
    return grant;
  }

  private issue(context: SimulatorContext, grant: Grant): void {
    const issuedAt = Math.floor(context.clock.now() / 1000);
    const lifetime = this.options.tokenLifetimeSeconds;
    const random = createRandom(randomBytes(4).readUInt32LE(0));
    const payload = {
      Tenant: this.options.tenant,
      Identity2: uuidFrom(random),
      SSOSessionID: `${this.options.tenant}~${uuidFrom(random)}`,
      scope: grant.scope,
      IFSAuthenticationMode: 'CLOUD_IDENTITIES',
      EnforceScopesForClient: '0',
      grant_id: grant.id,
      InforSTSIssuedType: 'AS',
      client_id: grant.clientId,
      jti: uuidFrom(random),
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + lifetime,
      iss: `http://127.0.0.1:${this.server.port}`,
      aud: `http://127.0.0.1:${this.server.port}`,
    };
    const signingInput = `${base64url(JSON.stringify({ kid: this.keyId, alg: 'RS256' }))}.${base64url(JSON.stringify(payload))}`;
    const accessToken = `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), privateKey()))}`;
    this.accessTokens.set(accessToken, { grantId: grant.id, expiresAt: (issuedAt + lifetime) * 1000, revoked: false });
    this.server.bump('tokensIssued');
    const body: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime };
    if (grant.refreshToken) body.refresh_token = grant.refreshToken;
    context.json(200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
  }

  private async form(context: SimulatorContext): Promise<URLSearchParams | undefined> {
    const type = context.header('content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      this.fail(context, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
      return undefined;
    }
    return (await context.body()).form();
  }

  private clientFrom(context: SimulatorContext, form: URLSearchParams): InforApp | undefined {
    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(context.header('authorization') ?? '');
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // RFC 6749 §2.3.1: Basic credentials are form-encoded before base64.
      try {
        clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      } catch {
        return undefined;
      }
    }
    const app = [this.apps.backend, this.apps.clientCredentials].find((candidate) => candidate.clientId === clientId);
    return app && app.clientSecret === clientSecret ? app : undefined;
  }

  private fail(
    context: SimulatorContext,
    status: number,
    error: string,
    description: string,
    headers?: Record<string, string>,
  ): void {
    context.json(status, { error, error_description: description }, headers);
  }
}
