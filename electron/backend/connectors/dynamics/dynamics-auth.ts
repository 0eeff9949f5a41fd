import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import { certificateWithKey, signRs256 } from '../framework/jwt';
import type { HttpResponse } from '../../http/http-client';
import type { AccessToken } from '../../http/token-provider';
import type { HookContext } from '../framework/hooks';
import { apiBaseOf, authorityUrlOf, headerValue, odataHeaders, orgUrlOf } from './dynamics-odata';

/**
 * Microsoft Entra ID client credentials (API-FACTS §5.1): no refresh token is
 * ever issued, so "refresh" is a new grant, fetched before `expires_in` runs out.
 */
export async function obtainDynamicsToken(
  context: HookContext,
  _previous: AccessToken | undefined,
): Promise<AccessToken> {
  const clientId = String(context.settings.clientId ?? '');
  const org = orgUrlOf(context);
  if (!org) throw new AppError('E_INVALID_INPUT', 'The Dynamics 365 connection has no environment URL (orgUrl).');
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    ...credentialOf(context, clientId),
    scope: `${new URL(org).origin}/.default`,
  });
  const started = Date.now();
  const response = await context.http.request({
    method: 'POST',
    url: tokenUrlOf(context),
    auth: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    expect: 'json',
    passStatuses: [400, 401, 403, 404],
  });
  if (response.status !== 200) throw entraError(response);
  return parseEntraToken(response.data, started);
}

const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The form fields that prove the app: its secret, or an assertion signed with its certificate's key. */
function credentialOf(context: HookContext, clientId: string): Record<string, string> {
  if (context.settings.credential === 'certificate')
    return { client_assertion_type: clientAssertionType, client_assertion: clientAssertion(context, clientId) };
  const clientSecret = context.secrets.client_secret;
  if (!clientSecret) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      'The client secret is not stored for this Dynamics 365 connection; enter it again.',
    );
  }
  return { client_secret: clientSecret };
}

/**
 * The certificate credential (Microsoft identity platform, "certificate credentials"): an RS256
 * JWT naming the certificate by its SHA-256 thumbprint (`x5t#S256`), for this token endpoint
 * (`aud`), issued by and about the app (`iss` = `sub` = client id), with a fresh `jti` and a
 * ten-minute window. Signed anew for every token request.
 */
export function clientAssertion(context: HookContext, clientId: string, now = Date.now()): string {
  const { certificate, key } = certificateWithKey(context.secrets.certificate, 'Dynamics 365 certificate');
  const seconds = Math.floor(now / 1000);
  return signRs256(
    { alg: 'RS256', typ: 'JWT', 'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url') },
    {
      aud: tokenUrlOf(context),
      iss: clientId,
      sub: clientId,
      jti: randomUUID(),
      nbf: seconds,
      iat: seconds,
      exp: seconds + 600,
    },
    key,
  );
}

/** An Entra v2.0 token response → AccessToken; pure, so real payloads can be checked against it. */
export function parseEntraToken(data: unknown, obtainedAt: number): AccessToken {
  const body = data as { access_token?: unknown; expires_in?: unknown; token_type?: unknown } | undefined;
  if (!body || typeof body.access_token !== 'string' || body.access_token === '') {
    throw new AppError('E_AUTH_FAILED', 'Microsoft Entra ID answered without an access token.');
  }
  if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer') {
    throw new AppError(
      'E_AUTH_FAILED',
      `Microsoft Entra ID issued a ${body.token_type} token; Dataverse needs a Bearer token.`,
    );
  }
  // expires_in arrives as a number from the v2.0 endpoint and as a string from v1.0; accept both.
  const lifetime = Number(body.expires_in);
  const valid = Number.isFinite(lifetime) && lifetime > 0;
  return {
    accessToken: body.access_token,
    obtainedAt,
    expiresAt: valid ? obtainedAt + lifetime * 1000 : undefined,
    lifetimeSeconds: valid ? lifetime : undefined,
  };
}

export function tokenUrlOf(context: Pick<HookContext, 'settings'>): string {
  return `${authorityUrlOf(context)}/${encodeURIComponent(String(context.settings.tenant ?? ''))}/oauth2/v2.0/token`;
}

/** Entra errors carry `AADSTS…` numbers in the description; turn the common ones into advice. */
function entraError(response: HttpResponse): AppError {
  const body = (response.data ?? {}) as { error?: unknown; error_description?: unknown; error_codes?: unknown };
  const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
  const description = typeof body.error_description === 'string' ? body.error_description : '';
  const aadsts = /AADSTS(\d+)/.exec(description)?.[1];
  const firstLine = description.split(/\r?\n/)[0] ?? '';
  const hint =
    aadsts === '7000215' || aadsts === '7000222'
      ? 'the client secret is wrong or expired; create a new secret under Certificates & secrets'
      : aadsts === '700027'
        ? 'the certificate is not registered on the app, or the assertion was not signed with its key; upload the certificate (public part) under Certificates & secrets'
        : aadsts === '700024'
          ? 'the signed assertion is outside its valid time; check this computer’s clock'
          : aadsts === '700023' || aadsts === '700021'
            ? 'the signed assertion names another token endpoint or app; check the tenant and the application (client) id'
            : aadsts === '700016'
              ? 'no app with this application (client) id exists in the tenant; check the id and the tenant'
              : aadsts === '90002' || aadsts === '900023'
                ? 'the tenant was not found; check the tenant id or domain'
                : aadsts === '500011' || error === 'invalid_resource'
                  ? 'the environment URL is not a Dataverse environment of this tenant; check the org URL'
                  : aadsts === '900144' || aadsts === '1002012' || aadsts === '70011' || error === 'invalid_scope'
                    ? 'the scope must be the environment URL followed by /.default; check the org URL'
                    : 'Microsoft Entra ID refused the sign-in';
  return new AppError(
    'E_AUTH_FAILED',
    `Dynamics 365 sign-in failed: ${hint} (${error}${firstLine ? `: ${firstLine}` : ''}).`,
    {
      status: response.status,
      error,
      aadsts,
    },
  );
}

/** `GET /WhoAmI`: proves the application user exists in the environment and has a role. */
export async function probeDynamics(context: HookContext): Promise<{ tenant?: string; identity?: string }> {
  const response = await context.http.request({
    url: `${apiBaseOf(context)}/WhoAmI`,
    headers: odataHeaders(),
    expect: 'json',
    passStatuses: [403],
  });
  if (response.status === 403) {
    const text = response.text.slice(0, 300);
    throw new AppError(
      'E_AUTH_FAILED',
      `The environment refused the application user (HTTP 403${text ? `: ${text}` : ''}); add it under Power Platform admin center → Application users and give it a security role.`,
      { status: 403, requestId: headerValue(response.headers, 'x-ms-service-request-id') },
    );
  }
  if (response.status >= 400)
    throw new AppError('E_REMOTE', `WhoAmI failed with HTTP ${response.status}.`, { status: response.status });
  const body = (response.data ?? {}) as { UserId?: unknown; OrganizationId?: unknown };
  return {
    tenant: typeof body.OrganizationId === 'string' ? body.OrganizationId : String(context.settings.tenant ?? ''),
    identity: typeof body.UserId === 'string' ? body.UserId : undefined,
  };
}
