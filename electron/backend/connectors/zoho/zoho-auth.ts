import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../../shared/errors';
import type { AccessToken, TokenStore } from '../../http/token-provider';
import { zohoScopes } from '../../../../shared/connectors/zoho.settings';
import type { AuthorizationCodeHooks, HookContext } from '../framework/hooks';
import type { TokenRefreshLease } from './zoho-token-lease';

/** A Zoho access token remembers the API domain its org lives on (`api_domain`). */
export interface ZohoToken extends AccessToken {
  apiDomain?: string;
}

export interface ZohoAuthDependencies {
  store?: TokenStore;
  lease?: TokenRefreshLease;
  /** How long to wait for another process's refresh before refreshing anyway. */
  leaseWaitMs?: number;
  now?: () => number;
}

const oauthHints: Record<string, string> = {
  invalid_client:
    'the Client ID or Client Secret was refused (check the data centre too: each has its own accounts server)',
  invalid_code:
    'the refresh token was refused: it was revoked or belongs to another client or data centre; generate a new one',
  'Access Denied': 'Zoho blocked new tokens for this refresh token after too many requests; wait ten minutes',
  unsupported_grant_type: 'the accounts server does not accept the refresh_token grant here',
};

/**
 * Refresh-token grant against the data centre's accounts server (API-FACTS §2.1).
 * Zoho allows only a few access tokens per refresh token in ten minutes, so a
 * token another process just stored is adopted instead of minting a new one.
 */
export async function obtainZohoToken(
  context: HookContext,
  previous: AccessToken | undefined,
  dependencies: ZohoAuthDependencies = {},
): Promise<ZohoToken> {
  const now = dependencies.now ?? Date.now;
  const adoptable = async () => {
    const stored = (await dependencies.store?.load()) as ZohoToken | undefined;
    const fresh =
      stored &&
      stored.accessToken !== previous?.accessToken &&
      (stored.expiresAt === undefined || stored.expiresAt - 60_000 > now());
    return fresh ? stored : undefined;
  };
  const lease = dependencies.lease;
  let held = false;
  if (lease) {
    const deadline = now() + (dependencies.leaseWaitMs ?? 15_000);
    while (!(held = await lease.tryAcquire(now())) && now() < deadline) {
      const theirs = await adoptable();
      if (theirs) return theirs;
      await sleep(200);
    }
  }
  try {
    const theirs = await adoptable();
    if (theirs) return theirs;
    return await refreshCall(context, now);
  } finally {
    if (held) await lease?.release();
  }
}

async function refreshCall(context: HookContext, now: () => number): Promise<ZohoToken> {
  const clientId = String(context.settings.clientId ?? '');
  const clientSecret = context.secrets.client_secret;
  const refreshToken = context.secrets.refresh_token;
  if (!clientId || !clientSecret || !refreshToken) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      'The Zoho Client ID, Client Secret or refresh token is missing for this connection; add them in the connection settings.',
    );
  }
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: clientId,
    client_secret: clientSecret,
    refresh_token: refreshToken,
  });
  const started = now();
  const response = await context.http.request({
    method: 'POST',
    url: context.url(context.descriptor.auth.kind === 'oauth2' ? context.descriptor.auth.tokenUrl : ''),
    auth: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    expect: 'json',
    passStatuses: [400, 401, 403],
  });
  const body = (response.data ?? {}) as {
    access_token?: unknown;
    expires_in?: unknown;
    expires_in_sec?: unknown;
    api_domain?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  // OAuth errors may come with HTTP 200 (API-FACTS §2.1), so the body decides.
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    const description = typeof body.error_description === 'string' ? ` — ${body.error_description}` : '';
    throw new AppError(
      'E_AUTH_REFRESH_FAILED',
      `Zoho sign-in failed: ${oauthHints[error] ?? 'the accounts server refused the refresh'} (${error}${description}).`,
      {
        status: response.status,
        error,
      },
    );
  }
  const lifetime = Number(body.expires_in ?? (Number(body.expires_in_sec) || undefined));
  const seconds = Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 3600;
  return {
    accessToken: body.access_token,
    obtainedAt: started,
    expiresAt: started + seconds * 1000,
    lifetimeSeconds: seconds,
    apiDomain: typeof body.api_domain === 'string' && body.api_domain ? body.api_domain.replace(/\/+$/, '') : undefined,
  };
}

function zohoClient(context: HookContext): { clientId: string; clientSecret: string } {
  const clientId = String(context.settings.clientId ?? '');
  const clientSecret = context.secrets.client_secret;
  if (!clientId || !clientSecret) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      'Signing in with Zoho needs the Client ID and Client Secret of your Zoho API console client; add them in the connection settings first.',
    );
  }
  return { clientId, clientSecret };
}

/**
 * Zoho's browser sign-in (authorization code with PKCE): `GET {accounts}/oauth/v2/auth`
 * ("Get authorization code", zoho.com/accounts/protocol/oauth), `access_type=offline`
 * and `prompt=consent` so the first exchange returns a refresh token every time.
 */
export const zohoAuthorizationCode: AuthorizationCodeHooks = {
  authorizeUrl(context, request) {
    const { clientId } = zohoClient(context);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      scope: zohoScopes.join(','),
      redirect_uri: request.redirectUri,
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    });
    return `${context.url('{accountsUrl}')}/oauth/v2/auth?${query}`;
  },
  async exchange(context, callback) {
    const { clientId, clientSecret } = zohoClient(context);
    const accounts = context.url('{accountsUrl}').replace(/\/+$/, '');
    // The redirect names the accounts server of the user's data centre (API-FACTS §2.1); credentials
    // only ever go to the one this connection is set to, so another one means the wrong data centre.
    const named = callback.params.get('accounts-server');
    if (named && named.replace(/\/+$/, '') !== accounts) {
      throw new AppError(
        'E_AUTH_FAILED',
        `Your Zoho account lives on ${named} (location ${callback.params.get('location') ?? 'unknown'}), not on ${accounts}; pick that data centre in the connection settings and sign in again.`,
      );
    }
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uri: callback.redirectUri,
      code: callback.code,
      code_verifier: callback.codeVerifier,
    });
    const response = await context.http.request({
      method: 'POST',
      url: `${accounts}/oauth/v2/token`,
      auth: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      expect: 'json',
      passStatuses: [400, 401, 403],
    });
    const body = (response.data ?? {}) as { refresh_token?: unknown; error?: unknown };
    if (typeof body.refresh_token !== 'string' || body.refresh_token === '') {
      const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
      const hint =
        error === 'invalid_code'
          ? 'the sign-in code was refused (used already, older than 2 minutes, or not from this sign-in)'
          : (oauthHints[error] ?? 'the accounts server refused the sign-in');
      throw new AppError('E_AUTH_FAILED', `Zoho sign-in failed: ${hint} (${error}).`, {
        status: response.status,
        error,
      });
    }
    return { refresh_token: body.refresh_token };
  },
};

/** Revoking the refresh token ends the connection's access (and every token it minted). */
export async function revokeZohoToken(context: HookContext): Promise<void> {
  const refreshToken = context.secrets.refresh_token;
  if (!refreshToken || context.descriptor.auth.kind !== 'oauth2' || !context.descriptor.auth.revokeUrl) return;
  await context.http.request({
    method: 'POST',
    url: `${context.url(context.descriptor.auth.revokeUrl)}?${new URLSearchParams({ token: refreshToken })}`,
    auth: false,
    passStatuses: [400, 401, 403, 404],
  });
}
