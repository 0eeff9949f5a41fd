import fs from 'node:fs';
import path from 'node:path';
import type { InforApp } from './infor-auth';

export type IonapiKind = 'backend-service' | 'client-credentials' | 'on-premises' | 'web-app';

/** An `.ionapi` object for the sandbox, keys in Infor's download order. */
export function buildIonapi(
  kind: IonapiKind,
  url: string,
  tenant: string,
  apps: { backend: InforApp; clientCredentials: InforApp },
): Record<string, unknown> {
  const onPremises = kind === 'on-premises';
  const app = kind === 'client-credentials' ? apps.clientCredentials : apps.backend;
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
  if ((kind === 'backend-service' || onPremises) && app.serviceAccountKey) {
    file.saak = app.serviceAccountKey;
    file.sask = app.serviceAccountSecret;
  }
  return file;
}

/** Written 0600: the file holds (sandbox) credentials, and users copy these habits to real ones. */
export function writeIonapiFile(file: string, content: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
}
