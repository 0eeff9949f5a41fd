import { randomBytes, type KeyObject } from 'node:crypto';
import type { SimulatorContext } from '../kit';
import { redirectRegistered, s256ChallengePattern, verifierMatches, verifyRs256 } from '../kit/oauth';

/**
 * The connected app's user flows beside client credentials (Salesforce Help,
 * "OAuth 2.0 Web Server Flow for Web App Integration" and "OAuth 2.0 JWT
 * Bearer Flow for Server-to-Server Integration"):
 *
 * - web server flow with PKCE: `GET /services/oauth2/authorize` consents at once
 *   for the sandbox user and redirects with `code` and `state`; the code is
 *   single-use and "expires after 15 minutes"; the token request proves the
 *   verifier (RFC 7636 §4.6) and answers a refresh token (`refresh_token` scope).
 * - refresh token grant: a new access token, no new refresh token.
 * - JWT bearer (RFC 7523): an RS256 assertion signed with the key of the
 *   certificate uploaded to the app, `iss` = consumer key, `sub` = a user who
 *   approved the app, `aud` = the login URL, `exp` at most 3 minutes ahead.
 */
export interface SalesforceOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Callback URLs of the connected app; `http://127.0.0.1/...` matches any port (RFC 8252 §7.3). */
  callbackUrls: readonly string[];
  /** The integration user who approved the app (JWT `sub`). */
  username: string;
  /** Public key of the certificate uploaded under "Use digital signatures" (made on first use). */
  jwtKey: () => KeyObject;
  /** `https://login.salesforce.com` for production orgs, `https://test.salesforce.com` for sandboxes. */
  jwtAudience: string;
}

export const salesforceCodeLifetimeMs = 15 * 60_000;
/** "exp: … within 3 minutes" (Salesforce Help, JWT bearer flow); a few seconds of clock skew are forgiven. */
export const salesforceJwtMaxLifetimeSeconds = 180;
const skewSeconds = 5;
export const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

interface Code {
  redirectUri: string;
  challenge: string;
  expiresAt: number;
  used: boolean;
}

type Issue = (context: SimulatorContext, extra?: Record<string, string>) => void;

export class SalesforceOAuth {
  private readonly codes = new Map<string, Code>();
  private readonly refreshTokens = new Map<string, { revoked: boolean }>();

  constructor(private readonly options: SalesforceOAuthOptions) {}

  /** Revoke every refresh token (a user revoking the app under Connected Apps OAuth Usage). */
  revokeRefreshTokens(): void {
    for (const token of this.refreshTokens.values()) token.revoked = true;
  }

  /** `POST /services/oauth2/revoke` (form `token=`): a revoked refresh token refreshes no more; always 200 (RFC 7009 §2.2). */
  async revoke(context: SimulatorContext): Promise<void> {
    const token = (await context.body()).form().get('token') ?? context.query.get('token') ?? '';
    const known = this.refreshTokens.get(token);
    if (known) known.revoked = true;
    context.empty(200);
  }

  authorize(context: SimulatorContext): void {
    const query = context.query;
    const redirectUri = query.get('redirect_uri') ?? '';
    // Unknown apps and callback URLs get an error page, never a redirect (RFC 6749 §4.1.2.1).
    if (query.get('client_id') !== this.options.clientId)
      return context.text(400, 'error=invalid_client_id&error_description=client%20identifier%20invalid');
    if (!redirectRegistered(redirectUri, this.options.callbackUrls))
      return context.text(
        400,
        'error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration',
      );
    const back = (parameters: Record<string, string>) => {
      const target = new URL(redirectUri);
      const state = query.get('state');
      for (const [name, value] of Object.entries({ ...parameters, ...(state !== null ? { state } : {}) }))
        target.searchParams.set(name, value);
      context.empty(302, { location: target.href });
    };
    if (query.get('response_type') !== 'code')
      return back({ error: 'unsupported_response_type', error_description: 'response type not supported' });
    const challenge = query.get('code_challenge') ?? '';
    const method = query.get('code_challenge_method');
    // The sandbox app has "Require Proof Key for Code Exchange (PKCE)" on; Salesforce hashes with SHA-256 only.
    if (!challenge || !s256ChallengePattern.test(challenge) || (method !== null && method !== 'S256'))
      return back({ error: 'invalid_request', error_description: 'missing or invalid code_challenge' });
    const code = `aPrx${randomBytes(48).toString('base64')}`;
    this.codes.set(code, {
      redirectUri,
      challenge,
      expiresAt: context.clock.now() + salesforceCodeLifetimeMs,
      used: false,
    });
    back({ code });
  }

  /** The grants beyond client credentials; answers false for a grant it does not handle. */
  token(context: SimulatorContext, form: URLSearchParams, issue: Issue): boolean {
    const grant = form.get('grant_type');
    const fail = (error: string, description: string) => context.json(400, { error, error_description: description });
    if (grant === 'authorization_code') {
      if (form.get('client_id') !== this.options.clientId) fail('invalid_client_id', 'client identifier invalid');
      else if (form.get('client_secret') !== this.options.clientSecret)
        fail('invalid_client', 'invalid client credentials');
      else {
        const code = this.codes.get(form.get('code') ?? '');
        // Used codes stay known, so a replay is refused like an expired one (Salesforce's wording).
        if (!code || code.used || code.expiresAt <= context.clock.now())
          fail('invalid_grant', 'expired authorization code');
        else if (form.get('redirect_uri') !== code.redirectUri)
          fail('invalid_grant', 'redirect_uri must match configuration');
        else if (!verifierMatches(form.get('code_verifier') ?? '', code.challenge))
          fail('invalid_grant', 'invalid code verifier');
        else {
          code.used = true;
          const refreshToken = `5Aep${randomBytes(40).toString('base64url')}`;
          this.refreshTokens.set(refreshToken, { revoked: false });
          issue(context, { refresh_token: refreshToken, scope: 'api refresh_token' });
        }
      }
      return true;
    }
    if (grant === 'refresh_token') {
      const known = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (form.get('client_id') !== this.options.clientId) fail('invalid_client_id', 'client identifier invalid');
      else if (form.get('client_secret') !== this.options.clientSecret)
        fail('invalid_client', 'invalid client credentials');
      else if (!known || known.revoked) fail('invalid_grant', 'expired access/refresh token');
      else issue(context, { scope: 'api refresh_token' });
      return true;
    }
    if (grant === jwtBearerGrant) {
      this.jwtBearer(context, form.get('assertion') ?? '', fail, issue);
      return true;
    }
    return false;
  }

  private jwtBearer(
    context: SimulatorContext,
    assertion: string,
    fail: (error: string, description: string) => void,
    issue: Issue,
  ): void {
    const verified = verifyRs256(assertion, this.options.jwtKey());
    if (!verified) return fail('invalid_grant', 'invalid assertion');
    const { iss, sub, aud, exp } = verified.claims;
    const now = Math.floor(context.clock.now() / 1000);
    if (iss !== this.options.clientId) return fail('invalid_client_id', 'client identifier invalid');
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(this.options.jwtAudience)) return fail('invalid_grant', 'audience is invalid');
    // An expired assertion is reported as Salesforce words it; one valid for longer than 3 minutes is refused too.
    if (typeof exp !== 'number' || exp + skewSeconds <= now) return fail('invalid_grant', 'expired authorization code');
    if (exp > now + salesforceJwtMaxLifetimeSeconds + skewSeconds)
      return fail('invalid_grant', 'invalid assertion: exp is more than 3 minutes ahead');
    if (sub !== this.options.username) return fail('invalid_grant', "user hasn't approved this consumer");
    issue(context, { scope: 'api' });
  }
}
