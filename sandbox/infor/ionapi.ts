import fs from 'node:fs';
import path from 'node:path';
import type { InforApp } from './infor-auth';

/**
 * `ln-client-credentials`: what LN 2025+ issues for client_credentials — only cn, ci, cs, pu, ot
 * (API-FACTS §10), so the tenant comes from the `ci` prefix and the gateway URL from the user.
 * `slashes`: a backend-service file whose `iu` ends in `/` and whose `pu` lacks its trailing `/`.
 */
export type IonapiKind =
  'backend-service' | 'client-credentials' | 'on-premises' | 'web-app' | 'ln-client-credentials' | 'slashes';

/** An `.ionapi` object for the sandbox, keys in Infor's download order. */
export function buildIonapi(
  kind: IonapiKind,
  url: string,
  tenant: string,
  apps: { backend: InforApp; clientCredentials: InforApp },
): Record<string, unknown> {
  const onPremises = kind === 'on-premises';
  const app = kind === 'client-credentials' || kind === 'ln-client-credentials' ? apps.clientCredentials : apps.backend;
  if (kind === 'ln-client-credentials')
    return {
      cn: app.appName,
      ci: app.clientId,
      cs: app.clientSecret,
      pu: `${url}/${tenant}/as/`,
      ot: 'token.oauth2',
    };
  const file: Record<string, unknown> = {
    ti: tenant,
    cn: app.appName,
    dt: '12',
    ci: app.clientId,
    cs: app.clientSecret,
    iu: url,
    pu: onPremises ? `${url}/InforIntSTS/` : `${url}/${tenant}/as/`,
    oa: onPremises ? 'connect/authorize' : 'authorization.oauth2',
    ot: onPremises ? 'connect/token' : 'token.oauth2',
    or: onPremises ? 'connect/revocation' : 'revoke_token.oauth2',
  };
  if (kind === 'web-app') file.ru = `${url}/callback`;
  file.ev = 'U147858101';
  file.v = '1.0';
  if ((kind === 'backend-service' || kind === 'slashes' || onPremises) && app.serviceAccountKey) {
    file.saak = app.serviceAccountKey;
    file.sask = app.serviceAccountSecret;
  }
  if (kind === 'slashes') {
    file.iu = `${url}/`;
    file.pu = `${url}/${tenant}/as`;
  }
  return file;
}

/** Written 0600: the file holds (sandbox) credentials, and users copy these habits to real ones. */
export function writeIonapiFile(file: string, content: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
}
