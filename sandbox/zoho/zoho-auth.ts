import { createRandom, type Random, type SandboxServer, type SimulatorContext } from '../kit';
import { redirectRegistered, s256ChallengePattern, verifierMatches } from '../kit/oauth';
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
  /** The accounts server the authorization redirect names (`accounts-server`). */
  accountsServer: () => string;
}

/**
 * A code from the browser sign-in: bound to its client, redirect URI and PKCE
 * challenge, single-use, and "valid for 2 minutes" (Zoho, "Get authorization
 * code": https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html).
 */
interface AuthorizationCode {
  userId: string;
  redirectUri: string;
  challenge: string;
  expiresAt: number;
  /** Set once exchanged; a replay revokes what the first exchange issued (RFC 6749 §4.1.2). */
  refreshToken?: string;
}

export const zohoCodeLifetimeMs = 2 * 60_000;

/**
 * Redirect URIs registered for the sandbox client. The loopback one matches on
 * any port: "The authorization server MUST allow any port to be specified at
 * the time of the request for loopback IP redirect URIs" (RFC 8252 §7.3).
 */
export const zohoRegisteredRedirects = ['http://127.0.0.1/callback'];

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
  private readonly authorizationCodes = new Map<string, AuthorizationCode>();
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
      method: 'GET',
      pattern: '/oauth/v2/auth',
      name: 'Zoho accounts authorize',
      metered: false,
      handler: (context) => this.authorizeRequest(context),
    });
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

  /**
   * The browser leg of the authorization-code flow with PKCE, consenting at
   * once for the sandbox user. Like any authorization server, it shows an error
   * page instead of redirecting when the client or redirect URI is not
   * registered (RFC 6749 §4.1.2.1); other request errors go back to the
   * redirect URI as `error=invalid_request` (RFC 7636 §4.4.1).
   */
  private authorizeRequest(context: SimulatorContext): void {
    const query = context.query;
    const clientId = query.get('client_id');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (clientId !== this.clientId) return context.text(400, 'Invalid Client', 'text/html; charset=utf-8');
    if (!redirectRegistered(redirectUri, zohoRegisteredRedirects))
      return context.text(400, 'Invalid Redirect Uri', 'text/html; charset=utf-8');
    const back = (parameters: Record<string, string>) => {
      const target = new URL(redirectUri);
      const state = query.get('state');
      for (const [name, value] of Object.entries({ ...parameters, ...(state !== null ? { state } : {}) }))
        target.searchParams.set(name, value);
      context.empty(302, { location: target.href });
    };
    const invalid = (description: string) => back({ error: 'invalid_request', error_description: description });
    if (query.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    if (!query.get('scope')) return invalid('scope is required');
    const challenge = query.get('code_challenge') ?? '';
    // Zoho's own default is `plain`; this client must prove possession with S256 (RFC 7636 §4.2, §7.2).
    if (!challenge) return invalid('code_challenge is required');
    if (query.get('code_challenge_method') !== 'S256') return invalid('code_challenge_method must be S256');
    if (!s256ChallengePattern.test(challenge)) return invalid('code_challenge is not a base64url SHA-256');
    const code = `1000.${hex(this.random, 32)}.${hex(this.random, 32)}`;
    this.authorizationCodes.set(code, {
      userId: this.userId,
      redirectUri,
      challenge,
      expiresAt: context.clock.now() + zohoCodeLifetimeMs,
    });
    this.server.bump('authorizationCodes');
    // Zoho adds the user's data centre to the redirect (API-FACTS §2.1).
    back({ code, location: 'us', 'accounts-server': this.options.accountsServer() });
  }

  /** Checks an authorization code from the browser flow; returns the user, or the OAuth error. */
  private redeemAuthorizationCode(params: URLSearchParams, now: number): { userId: string } | { error: string } {
    const code = params.get('code') ?? '';
    const issued = this.authorizationCodes.get(code);
    if (!issued) return { error: 'invalid_code' };
    if (issued.refreshToken !== undefined) {
      // Replayed: refuse, and revoke the tokens the first exchange issued (RFC 6749 §4.1.2, §10.5).
      this.setRefreshTokenRevoked(true, issued.refreshToken);
      for (const access of this.accessTokens.values())
        if (access.refreshToken === issued.refreshToken) access.revoked = true;
      return { error: 'invalid_code' };
    }
    if (issued.expiresAt <= now) return { error: 'invalid_code' };
    // The redirect URI must be the one the code was issued for (RFC 6749 §4.1.3).
    if (params.get('redirect_uri') !== issued.redirectUri) return { error: 'invalid_redirect_uri' };
    // RFC 7636 §4.6: the verifier must hash to the challenge, else `invalid_grant`; Zoho calls every bad code `invalid_code`.
    if (!verifierMatches(params.get('code_verifier') ?? '', issued.challenge)) return { error: 'invalid_code' };
    return { userId: issued.userId };
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
      let userId = this.grantCodes.get(code);
      if (userId) {
        // A Self Client grant code (no browser, no PKCE).
        this.grantCodes.delete(code);
      } else {
        const redeemed = this.redeemAuthorizationCode(params, context.clock.now());
        if ('error' in redeemed) return fail(redeemed.error);
        userId = redeemed.userId;
      }
      refreshToken = `1000.${hex(this.random, 32)}.${hex(this.random, 32)}`;
      this.refreshTokens.set(refreshToken, { revoked: false, userId });
      const browserCode = this.authorizationCodes.get(code);
      if (browserCode) browserCode.refreshToken = refreshToken;
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
