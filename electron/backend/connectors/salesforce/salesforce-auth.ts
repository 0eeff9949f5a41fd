import { AppError } from '../../../../shared/errors';
import type { AuthorizationCodeHooks, HookContext } from '../framework/hooks';
import { privateKeyOf, signRs256 } from '../framework/jwt';

/**
 * The three ways a Salesforce connection signs in (Salesforce Help, "OAuth
 * Authorization Flows"): client credentials with a Run-As user (API-FACTS §3.1),
 * the web server flow with PKCE (a person signs in once in the browser; the
 * refresh token is kept) and the JWT bearer flow (RFC 7523: a server signs an
 * assertion with the key of the certificate uploaded to the connected app).
 */
export const jwtBearerGrant = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** "exp … within 3 minutes" (Salesforce Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"). */
export const salesforceAssertionSeconds = 180;

const base = (context: HookContext) => String(context.settings.myDomainUrl ?? '').replace(/\/+$/, '');
export const salesforceTokenUrl = (context: HookContext) => `${base(context)}/services/oauth2/token`;

/** One form POST to the token endpoint (every grant: client credentials, code, JWT bearer); refusals come back as answers. */
export const postSalesforceToken = (context: HookContext, form: URLSearchParams) =>
  context.http.request({
    method: 'POST',
    url: salesforceTokenUrl(context),
    auth: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    expect: 'json',
    passStatuses: [400, 401, 403],
  });

/** The JWT bearer assertion: iss = consumer key, sub = username, aud = login URL, exp within 3 minutes. */
export function salesforceAssertion(context: HookContext, now: () => number): string {
  const clientId = String(context.settings.clientId ?? '');
  const username = String(context.settings.username ?? '');
  if (!username) {
    throw new AppError(
      'E_INVALID_INPUT',
      'Salesforce JWT bearer: set the username the assertion names (the user the connected app is approved for).',
      { field: 'username' },
    );
  }
  const key = privateKeyOf(context.secrets.private_key, 'Salesforce JWT bearer');
  const seconds = Math.floor(now() / 1000);
  return signRs256(
    { alg: 'RS256' },
    {
      iss: clientId,
      sub: username,
      aud: String(context.settings.loginUrl ?? 'https://login.salesforce.com'),
      exp: seconds + salesforceAssertionSeconds,
    },
    key,
  );
}

/** The token request of the connection's flow, and how to read a refusal. */
export function salesforceGrant(
  context: HookContext,
  now: () => number,
): { form: URLSearchParams; hint(error: string, description: string): string } {
  const flow = String(context.settings.authFlow ?? 'client_credentials');
  const clientId = String(context.settings.clientId ?? '');
  if (flow === 'jwt_bearer') {
    return {
      form: new URLSearchParams({ grant_type: jwtBearerGrant, assertion: salesforceAssertion(context, now) }),
      hint: (error, description) =>
        description === 'audience is invalid'
          ? 'the login URL (audience) is not the one this org accepts: login.salesforce.com for production, test.salesforce.com for sandboxes'
          : description === 'invalid assertion'
            ? 'the assertion’s signature was refused: the private key does not belong to the certificate uploaded to the connected app'
            : /approved/.test(description)
              ? 'the user has not approved the app: pre-authorize their profile or permission set under Manage → Policies'
              : error === 'invalid_client_id'
                ? 'the Consumer Key is not that of the connected app'
                : 'the JWT bearer request was refused',
    };
  }
  if (flow === 'web_server') {
    const refreshToken = context.secrets.refresh_token;
    if (!refreshToken) {
      throw new AppError(
        'E_SECRET_UNAVAILABLE',
        'Salesforce: this connection signs in through the browser and has not yet; use “Sign in with Salesforce” on its card.',
      );
    }
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
    if (context.secrets.client_secret) form.set('client_secret', context.secrets.client_secret);
    return {
      form,
      hint: (error) =>
        error === 'invalid_grant'
          ? 'the stored sign-in expired or was revoked; use “Sign in with Salesforce” again'
          : 'the refresh was refused',
    };
  }
  return {
    form: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: context.secrets.client_secret ?? '',
    }),
    hint: (error) =>
      error === 'invalid_client'
        ? 'the Consumer Key or Secret was refused'
        : error === 'invalid_grant'
          ? 'the grant was refused: enable the client credentials flow with a Run-As user, and use the My Domain URL'
          : 'the token request was refused',
  };
}

/**
 * The web server flow with PKCE on the org's My Domain: Salesforce hashes the
 * challenge with SHA-256 (it takes no `code_challenge_method`), and asks for
 * `refresh_token` so the sign-in lasts beyond the session.
 */
export const salesforceAuthorizationCode: AuthorizationCodeHooks = {
  authorizeUrl(context, request) {
    if (context.settings.authFlow !== 'web_server') {
      throw new AppError(
        'E_SIGNIN_UNSUPPORTED',
        'This Salesforce connection does not use the browser sign-in; set its sign-in flow to “Browser sign-in” first.',
      );
    }
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: String(context.settings.clientId ?? ''),
      redirect_uri: request.redirectUri,
      state: request.state,
      code_challenge: request.codeChallenge,
      scope: 'api refresh_token',
    });
    return `${base(context)}/services/oauth2/authorize?${query}`;
  },
  async exchange(context, callback) {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.code,
      client_id: String(context.settings.clientId ?? ''),
      redirect_uri: callback.redirectUri,
      code_verifier: callback.codeVerifier,
    });
    if (context.secrets.client_secret) form.set('client_secret', context.secrets.client_secret);
    const response = await postSalesforceToken(context, form);
    const body = (response.data ?? {}) as { refresh_token?: unknown; error?: unknown; error_description?: unknown };
    if (typeof body.refresh_token !== 'string' || body.refresh_token === '') {
      const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
      const description = typeof body.error_description === 'string' ? body.error_description : '';
      throw new AppError(
        'E_AUTH_FAILED',
        `Salesforce sign-in failed: ${response.status === 200 ? 'no refresh token came back (give the app the refresh_token scope)' : 'the code exchange was refused'} (${error}${description ? ` — ${description}` : ''}).`,
        { status: response.status, error },
      );
    }
    return { refresh_token: body.refresh_token };
  },
};

/**
 * Removing a browser-signed-in connection revokes its refresh token (and the sessions
 * it made) at `/services/oauth2/revoke`; best effort. The other flows keep nothing to revoke.
 */
export async function revokeSalesforceToken(context: HookContext): Promise<void> {
  const refreshToken = context.secrets.refresh_token;
  if (context.settings.authFlow !== 'web_server' || !refreshToken) return;
  await context.http.request({
    method: 'POST',
    url: `${base(context)}/services/oauth2/revoke`,
    auth: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: refreshToken }).toString(),
    passStatuses: [400, 401, 403, 404],
  });
}
