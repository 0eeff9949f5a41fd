import { createHash, type X509Certificate } from 'node:crypto';
import { createRandom, hash32, type SandboxServer, type SimulatorContext } from '../kit';
import { jwtHeader, verifyRs256 } from '../kit/oauth';
import { revokeAll } from '../kit/tokens';

/**
 * Microsoft Entra ID's v2.0 token endpoint for the client-credentials grant
 * (API-FACTS §5.1) and the bearer check Dataverse applies: opaque tokens
 * looked up by value, ~3599 s life on the sandbox clock, `expires_in` and
 * `ext_expires_in` as numbers, no refresh token.
 */
export interface EntraApp {
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** Certificates uploaded under Certificates & secrets (public part only). */
  certificates: X509Certificate[];
}

export const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Clock skew Entra forgives on `nbf`/`exp` (the usual 5 minutes). */
const skewSeconds = 300;

/** SHA-256 (`x5t#S256`) and SHA-1 (`x5t`) thumbprints of a certificate's DER, base64url (RFC 7515 §4.1.7-8). */
export function thumbprints(certificate: X509Certificate): { x5tS256: string; x5t: string } {
  return {
    x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
    x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
  };
}

interface IssuedToken {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface EntraOptions {
  tokenLifetimeSeconds: number;
  /** Scope the token endpoint accepts: `{orgUrl}/.default`. */
  scope: () => string;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class EntraAuthority {
  private readonly tokens = new Map<string, IssuedToken>();
  private issued = 0;
  tokenLifetimeSeconds: number;

  constructor(
    readonly app: EntraApp,
    private readonly options: EntraOptions,
    private readonly server: SandboxServer,
    private readonly seed: number,
  ) {
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds;
  }

  token(context: SimulatorContext): Promise<void> {
    return context.body().then((body) => {
      const form = body.form();
      const tenant = context.params.tenant ?? '';
      const timestamp = new Date(context.clock.now())
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
      const fail = (status: number, error: string, aadsts: number, text: string) =>
        context.json(status, {
          error,
          error_description: `AADSTS${aadsts}: ${text}\r\nTrace ID: 00000000-0000-0000-0000-000000000000\r\nCorrelation ID: 00000000-0000-0000-0000-000000000000\r\nTimestamp: ${timestamp}`,
          error_codes: [aadsts],
          timestamp,
          trace_id: '00000000-0000-0000-0000-000000000000',
          correlation_id: '00000000-0000-0000-0000-000000000000',
        });
      if (tenant !== this.app.tenant)
        return fail(
          400,
          'invalid_request',
          90002,
          `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        );
      if (form.get('grant_type') !== 'client_credentials')
        return fail(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      if (form.get('client_id') !== this.app.clientId) {
        return fail(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory '${tenant}'.`,
        );
      }
      const assertion = form.get('client_assertion');
      if (assertion !== null || form.get('client_assertion_type') !== null) {
        const refused = this.checkAssertion(form, tenant, context.clock.now(), fail);
        if (refused) return;
      } else if (!form.get('client_secret')) {
        return fail(
          401,
          'invalid_client',
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
      } else if (form.get('client_secret') !== this.app.clientSecret) {
        return fail(
          401,
          'invalid_client',
          7000215,
          'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
        );
      }
      // Scope errors in Entra's own codes, checked in the order Entra reports them:
      // - none: AADSTS900144 (invalid_request) "The request body must contain the following parameter: 'scope'."
      //   (quoted in ServiceNow community thread m-p/3251640);
      // - a scope without /.default in a client-credentials grant: AADSTS1002012 (invalid_scope) "Client
      //   credential flows must have a scope value with /.default suffixed to the resource identifier
      //   (application ID URI)." (rakhesh.com, "Specifying the OAuth2 authentication token scope");
      // - scopes of several resources: AADSTS70011 (invalid_scope) "The provided value for the input
      //   parameter 'scope' is not valid. One or more scopes in '…' are not compatible with each other."
      //   (MSAL.NET MsalServiceException quoted on volcengine.com/article/2914586);
      // - a /.default scope naming a resource the tenant lacks: AADSTS500011 (invalid_resource).
      const scope = form.get('scope')?.trim() ?? '';
      const scopes = scope.split(/\s+/).filter(Boolean);
      if (scopes.length === 0)
        return fail(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
      if (scopes.some((part) => !part.endsWith('/.default')))
        return fail(
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      if (scopes.length > 1)
        return fail(
          400,
          'invalid_scope',
          70011,
          `The provided value for the input parameter 'scope' is not valid. One or more scopes in '${scope}' are not compatible with each other.`,
        );
      if (scope !== this.options.scope()) {
        return fail(
          400,
          'invalid_resource',
          500011,
          `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
        );
      }
      this.issued += 1;
      this.server.bump('tokensIssued');
      const random = createRandom(hash32(this.seed, 'entra-token', this.issued, context.clock.now()));
      const accessToken =
        'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.' +
        Array.from({ length: 120 }, () => random.pick([...alphabet])).join('');
      this.tokens.set(accessToken, {
        clientId: this.app.clientId,
        expiresAt: context.clock.now() + this.tokenLifetimeSeconds * 1000,
        revoked: false,
      });
      context.json(200, {
        token_type: 'Bearer',
        expires_in: this.tokenLifetimeSeconds,
        ext_expires_in: this.tokenLifetimeSeconds,
        access_token: accessToken,
      });
    });
  }

  /**
   * Certificate credentials (Microsoft identity platform, "certificate credentials"): an RS256 JWT
   * whose header names the certificate by `x5t#S256` (or the older `x5t`), with `aud` = this token
   * endpoint, `iss` = `sub` = the client id, a `jti`, and `nbf`/`exp` around now. True when refused
   * (the answer is sent). A thumbprint not on the app, or a signature its key does not verify, is
   * AADSTS700027 (the wording Entra returns); the claim codes follow the AADSTS reference (unconfirmed).
   */
  private checkAssertion(
    form: URLSearchParams,
    tenant: string,
    now: number,
    fail: (status: number, error: string, aadsts: number, text: string) => void,
  ): boolean {
    const refuse = (status: number, error: string, aadsts: number, text: string) => {
      fail(status, error, aadsts, text);
      return true;
    };
    if (form.get('client_assertion_type') !== clientAssertionType)
      return refuse(
        400,
        'invalid_request',
        7000218,
        `The request body must contain the following parameter: 'client_assertion_type' with the value '${clientAssertionType}'.`,
      );
    const assertion = form.get('client_assertion') ?? '';
    const header = jwtHeader(assertion);
    const named = typeof header?.['x5t#S256'] === 'string' ? header['x5t#S256'] : header?.x5t;
    const byS256 = typeof header?.['x5t#S256'] === 'string';
    const certificate = this.app.certificates.find((candidate) =>
      byS256 ? thumbprints(candidate).x5tS256 === named : thumbprints(candidate).x5t === named,
    );
    const shown = typeof named === 'string' ? Buffer.from(named, 'base64url').toString('hex').toUpperCase() : '';
    const portal = `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${this.app.clientId}'.`;
    if (!certificate)
      return refuse(
        401,
        'invalid_client',
        700027,
        `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${shown}', ${portal}]`,
      );
    const verified = verifyRs256(assertion, certificate.publicKey);
    if (!verified)
      return refuse(
        401,
        'invalid_client',
        700027,
        `Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${shown}', ${portal}]`,
      );
    const { aud, iss, sub, jti, nbf, exp } = verified.claims;
    const endpoint = `${this.server.url}/${tenant}/oauth2/v2.0/token`;
    if (aud !== endpoint)
      return refuse(
        401,
        'invalid_client',
        700023,
        `Client assertion audience claim does not match Realm issuer. Expected '${endpoint}'.`,
      );
    if (iss !== this.app.clientId || sub !== this.app.clientId || form.get('client_id') !== this.app.clientId)
      return refuse(
        401,
        'invalid_client',
        700021,
        "Client assertion application identifier doesn't match 'client_id' parameter.",
      );
    if (typeof jti !== 'string' || jti === '')
      return refuse(401, 'invalid_client', 50027, 'JWT token is invalid or malformed: the jti claim is missing.');
    const seconds = Math.floor(now / 1000);
    if (
      typeof exp !== 'number' ||
      exp + skewSeconds <= seconds ||
      (typeof nbf === 'number' && nbf - skewSeconds > seconds)
    )
      return refuse(
        401,
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${new Date(now).toISOString()}, assertion valid from ${typeof nbf === 'number' ? new Date(nbf * 1000).toISOString() : 'unknown'}, expiry time of assertion ${typeof exp === 'number' ? new Date(exp * 1000).toISOString() : 'unknown'}.`,
      );
    return false;
  }

  /** True when the call carries a live token; otherwise answers 401 as Dataverse does (empty body, WWW-Authenticate). */
  authorize(context: SimulatorContext): boolean {
    const header = context.header('authorization') ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    const issued = token ? this.tokens.get(token) : undefined;
    if (issued && !issued.revoked && issued.expiresAt > context.clock.now()) return true;
    context.empty(401, {
      'www-authenticate': `Bearer error=invalid_token, error_description=Error during token validation!, authorization_uri=${this.server.url}/${this.app.tenant}/oauth2/authorize, resource_id=${this.options.scope().replace(/\/\.default$/, '')}`,
    });
    return false;
  }

  expireAll(): number {
    return revokeAll(this.tokens.values());
  }

  describe(): Record<string, number> {
    return {
      tokensIssued: this.issued,
      tokensAlive: [...this.tokens.values()].filter((token) => !token.revoked).length,
    };
  }
}
