import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { AccessToken } from '../../http/token-provider';
import type { HookContext } from '../framework/hooks';

/**
 * OAuth2 against the Infor authorization server (API-FACTS §1.2): password
 * grant with the service account (Backend Service files) or client
 * credentials; a refresh-token grant when one was issued, falling back to a
 * full grant when the refresh is refused.
 */
export async function obtainInforToken(context: HookContext, previous: AccessToken | undefined): Promise<AccessToken> {
  if (previous?.refreshToken) {
    try {
      return await tokenCall(context, { grant_type: 'refresh_token', refresh_token: previous.refreshToken });
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'E_AUTH_FAILED' && error.code !== 'E_AUTH_REFRESH_FAILED'))
        throw error;
      // Refresh tokens die with revoked grants and idle limits; a full grant still works then.
    }
  }
  const grant = String(context.settings.grant ?? 'password');
  if (grant === 'password') {
    const username = context.secrets.service_account_key;
    const password = context.secrets.service_account_secret;
    if (!username || !password) {
      throw new AppError(
        'E_SECRET_UNAVAILABLE',
        'The service account key (saak) and secret (sask) are not stored for this connection; import the .ionapi file again.',
      );
    }
    return tokenCall(context, { grant_type: 'password', username, password });
  }
  return tokenCall(context, { grant_type: 'client_credentials' });
}

async function tokenCall(context: HookContext, grant: Record<string, string>): Promise<AccessToken> {
  const clientId = String(context.settings.ci ?? '');
  const clientSecret = context.secrets.client_secret ?? '';
  const form = new URLSearchParams({ ...grant, client_id: clientId, client_secret: clientSecret });
  const scopes = context.settings.scopes;
  if (typeof scopes === 'string' && scopes.trim() && grant.grant_type !== 'refresh_token')
    form.set('scope', scopes.trim());
  const started = Date.now();
  const response = await context.http.request({
    method: 'POST',
    url: tokenUrl(context),
    auth: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    expect: 'json',
    passStatuses: [400, 401, 403],
  });
  if (response.status !== 200) throw tokenError(response, grant.grant_type ?? '');
  const body = response.data as { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown } | undefined;
  if (!body || typeof body.access_token !== 'string' || body.access_token === '') {
    throw new AppError('E_AUTH_FAILED', 'The Infor authorization server answered without an access token.');
  }
  const lifetime = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    obtainedAt: started,
    expiresAt: Number.isFinite(lifetime) && lifetime > 0 ? started + lifetime * 1000 : undefined,
    lifetimeSeconds: Number.isFinite(lifetime) && lifetime > 0 ? lifetime : undefined,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined,
  };
}

function tokenError(response: HttpResponse, grantType: string): AppError {
  const body = (response.data ?? {}) as { error?: unknown; error_description?: unknown };
  const error = typeof body.error === 'string' ? body.error : undefined;
  const description = typeof body.error_description === 'string' ? ` (${body.error_description})` : '';
  if (grantType === 'refresh_token') {
    return new AppError(
      'E_AUTH_REFRESH_FAILED',
      `The refresh token was refused: ${error ?? `HTTP ${response.status}`}${description}.`,
      { status: response.status, error },
    );
  }
  const hint =
    error === 'invalid_client'
      ? 'the client id/secret (ci/cs) were refused: the authorized app was deleted or its secret rotated; download a new .ionapi file'
      : error === 'invalid_grant'
        ? 'the service account (saak/sask) was refused: it may be revoked or expired; create a new one for the Backend Service app'
        : `the authorization server refused the ${grantType} grant`;
  return new AppError(
    'E_AUTH_FAILED',
    `Infor sign-in failed: ${hint} (${error ?? `HTTP ${response.status}`}${description}).`,
    {
      status: response.status,
      error,
    },
  );
}

/** Best effort: revokes the refresh token (which kills the grant) or the access token. */
export async function revokeInforToken(context: HookContext, token: AccessToken | undefined): Promise<void> {
  const or = context.settings.or;
  if (!token || typeof or !== 'string' || !or) return;
  const basic = Buffer.from(`${String(context.settings.ci ?? '')}:${context.secrets.client_secret ?? ''}`).toString(
    'base64',
  );
  const form = new URLSearchParams(
    token.refreshToken
      ? { token: token.refreshToken, token_type_hint: 'refresh_token' }
      : { token: token.accessToken, token_type_hint: 'access_token' },
  );
  await context.http.request({
    method: 'POST',
    url: String(context.settings.pu) + or,
    auth: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: form.toString(),
    passStatuses: [400, 401, 403, 404],
  });
}

export function tokenUrl(context: HookContext): string {
  // Concatenation exactly as Infor's clients do: `pu` ends in "/", `ot` never starts with one.
  return String(context.settings.pu ?? '') + String(context.settings.ot ?? '');
}

/** Claims of a JWS access token, decoded without verification (for tenant/identity display only). */
export function tokenClaims(accessToken: string): Record<string, unknown> {
  const payload = accessToken.split('.')[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
