import { createRandom, type Random, type SandboxServer, type SimulatorContext } from '../kit';
import { countAlive, revokeAll } from '../kit/tokens';

/**
 * The Zoho accounts server (`/oauth/v2/token`, `/oauth/v2/token/revoke`) and the
 * API's `Authorization: Zoho-oauthtoken …` check (API-FACTS §2.1). Access
 * tokens last `tokenLifetimeSeconds`; each refresh token may mint only
 * `issuanceCap` access tokens per `issuanceWindowMs` (Zoho blocks the rest).
 */
export interface ZohoAuthOptions {
  seed: number;
  tokenLifetimeSeconds: number;
  issuanceCap: number;
  issuanceWindowMs: number;
  /** Zoho is reported to answer OAuth errors with HTTP 200 (unconfirmed): 200 by default, 400 behind the switch. */
  oauthErrorStatus: 200 | 400;
  apiDomain: () => string;
}

interface IssuedToken {
  refreshToken: string;
  userId: string;
  expiresAt: number;
  revoked: boolean;
}

const hex = (random: Random, length: number) => Array.from({ length }, () => random.int(0, 15).toString(16)).join('');

export const zohoScopeGrant =
  'ZohoCRM.modules.ALL ZohoCRM.settings.fields.READ ZohoCRM.settings.modules.READ ZohoCRM.notifications.ALL ZohoCRM.coql.READ';

export class ZohoAuth {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
  readonly userId = '4150868000000225013';
  private readonly refreshTokens = new Map<string, { revoked: boolean; userId: string }>();
  private readonly accessTokens = new Map<string, IssuedToken>();
  private readonly issued = new Map<string, number[]>();
  private readonly grantCodes = new Map<string, string>();
  private readonly random: Random;

  constructor(
    private readonly options: ZohoAuthOptions,
    private readonly server: SandboxServer,
  ) {
    const credentials = createRandom(`${options.seed}:zoho:credentials`);
    this.clientId = `1000.${hex(credentials, 30).toUpperCase()}`;
    this.clientSecret = hex(credentials, 42);
    this.refreshToken = `1000.${hex(credentials, 32)}.${hex(credentials, 32)}`;
    this.refreshTokens.set(this.refreshToken, { revoked: false, userId: this.userId });
    this.random = createRandom(`${options.seed}:zoho:tokens`);
  }

  /** A Self Client grant code, exchangeable once for a new refresh token. */
  issueGrantCode(): string {
    const code = `1000.${hex(this.random, 32)}.${hex(this.random, 32)}`;
    this.grantCodes.set(code, this.userId);
    return code;
  }

  /** Revoke (or restore) the connection's refresh token, as a user removing the app's access would. */
  setRefreshTokenRevoked(revoked: boolean, token = this.refreshToken): void {
    const known = this.refreshTokens.get(token);
    if (known) known.revoked = revoked;
  }

  expireAccessTokens(): number {
    return revokeAll(this.accessTokens.values());
  }

  describe() {
    const now = this.server.clock.now();
    const alive = countAlive(this.accessTokens.values(), now);
    return { accessTokensAlive: alive, accessTokensIssued: this.accessTokens.size };
  }

  register(): void {
    this.server.route({
      method: 'POST',
      pattern: '/oauth/v2/token',
      name: 'Zoho accounts token',
      metered: false,
      handler: (context) => this.token(context),
    });
    this.server.route({
      method: 'POST',
      pattern: '/oauth/v2/token/revoke',
      name: 'Zoho accounts revoke',
      metered: false,
      handler: (context) => this.revoke(context),
    });
  }

  /** The user behind a valid `Zoho-oauthtoken`; otherwise answers 401 and returns undefined. */
  authorize(context: SimulatorContext): string | undefined {
    const header = context.header('authorization') ?? '';
    const match = /^Zoho-oauthtoken\s+(\S+)$/.exec(header);
    const token = match?.[1] ? this.accessTokens.get(match[1]) : undefined;
    const refresh = token ? this.refreshTokens.get(token.refreshToken) : undefined;
    if (token && refresh && !token.revoked && !refresh.revoked && token.expiresAt > context.clock.now())
      return token.userId;
    if (!header) {
      context.json(401, {
        code: 'AUTHENTICATION_FAILURE',
        details: {},
        message: 'Authentication failed',
        status: 'error',
      });
    } else {
      // `Bearer …`, unknown, expired and revoked tokens all look the same to Zoho's API.
      context.json(401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    }
    return undefined;
  }

  private async token(context: SimulatorContext): Promise<void> {
    const params = new URLSearchParams(context.query);
    const body = await context.body();
    if ((context.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
      for (const [name, value] of body.form()) params.set(name, value);
    }
    const fail = (error: string, description?: string) =>
      context.json(
        this.options.oauthErrorStatus,
        description ? { error_description: description, error, status: 'failure' } : { error },
      );
    if (params.get('client_id') !== this.clientId || params.get('client_secret') !== this.clientSecret)
      return fail('invalid_client');
    const grant = params.get('grant_type');
    let refreshToken: string | undefined;
    let fresh = false;
    if (grant === 'refresh_token') {
      refreshToken = params.get('refresh_token') ?? '';
      const known = this.refreshTokens.get(refreshToken);
      if (!known || known.revoked) return fail('invalid_code');
    } else if (grant === 'authorization_code') {
      const code = params.get('code') ?? '';
      const userId = this.grantCodes.get(code);
      if (!userId) return fail('invalid_code');
      this.grantCodes.delete(code);
      refreshToken = `1000.${hex(this.random, 32)}.${hex(this.random, 32)}`;
      this.refreshTokens.set(refreshToken, { revoked: false, userId });
      fresh = true;
    } else {
      return fail('unsupported_grant_type');
    }
    const now = context.clock.now();
    const recent = (this.issued.get(refreshToken) ?? []).filter((at) => at > now - this.options.issuanceWindowMs);
    if (recent.length >= this.options.issuanceCap) {
      this.server.bump('tokensRefused');
      this.issued.set(refreshToken, recent);
      // What Zoho answers once a refresh token minted too many access tokens.
      return context.json(400, {
        error_description: 'You have made too many requests continuously. Please try again after some time.',
        error: 'Access Denied',
        status: 'failure',
      });
    }
    recent.push(now);
    this.issued.set(refreshToken, recent);
    const accessToken = `1000.${hex(this.random, 32)}.${hex(this.random, 32)}`;
    this.accessTokens.set(accessToken, {
      refreshToken,
      userId: this.refreshTokens.get(refreshToken)?.userId ?? this.userId,
      expiresAt: now + this.options.tokenLifetimeSeconds * 1000,
      revoked: false,
    });
    this.server.bump('tokensIssued');
    context.json(200, {
      access_token: accessToken,
      ...(fresh ? { refresh_token: refreshToken } : {}),
      scope: zohoScopeGrant,
      api_domain: this.options.apiDomain(),
      token_type: 'Bearer',
      expires_in: this.options.tokenLifetimeSeconds,
    });
  }

  private async revoke(context: SimulatorContext): Promise<void> {
    const token = context.query.get('token') ?? (await context.body()).form().get('token') ?? '';
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      refresh.revoked = true;
      for (const access of this.accessTokens.values()) if (access.refreshToken === token) access.revoked = true;
    } else {
      const access = this.accessTokens.get(token);
      if (access) access.revoked = true;
    }
    context.json(200, { status: 'success' });
  }
}
