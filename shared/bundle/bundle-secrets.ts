import type { SystemId } from '../domain/connection';
import { systemSpec } from '../systems/catalog';

/**
 * What counts as a secret in a bundle, and which secret slots a connection needs.
 * A bundle never carries a secret value: the exporter leaves them out and the
 * importer refuses any file that has one (hand-edited or from another tool).
 */

/** Vault slot names the connectors use; a value under one of these keys is a secret wherever it appears. */
export const knownSecretKeys = new Set([
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
  'service_account_key',
  'service_account_secret',
  'api_token',
  'applicationKey',
  'password',
  'private_key',
  // .ionapi names for the same things.
  'cs',
  'saak',
  'sask',
]);

/** Key names that look secret (`apiKey`, `x-api-key`, `db_password`, `privateKey`, `clientSecret`). */
const secretLookingKey =
  /(secret|passw(or)?d|passphrase|token|api[-_]?key|private[-_]?key|credential|application[-_]?key|auth[-_]?key)/i;
/** Keys that contain those words but hold no secret. */
const harmlessKeys = new Set(['secretSlots', 'tokenUrl', 'tokenLifetimeSeconds', 'tokenEndpoint', 'tokenPath']);
/** Values that are secrets whatever their key: bearer headers, JWTs, PEM keys. */
const secretLookingValue = [
  /\b(bearer|zoho-oauthtoken)\s+[A-Za-z0-9._~+/=-]{12,}/i,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

export interface SecretFinding {
  /** JSON path of the offending value, e.g. `connections[1].settings.client_secret`. */
  path: string;
  reason: string;
}

/** Parts of a bundle that describe data shapes, not values: field names there may read "password". */
const shapeKeys = new Set(['graph', 'sourceMap', 'expression']);

/**
 * Every place in a raw bundle (any version, before schema checks) holding what
 * looks like a secret value. Empty strings and nulls are fine: a slot left blank.
 */
export function findSecrets(raw: unknown): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const visit = (value: unknown, path: string, key: string | undefined) => {
    if (typeof value === 'string') {
      // Blank, or naming a slot (`secrets: ["client_secret"]` in old bundles) rather than holding one.
      if (value.trim() === '' || knownSecretKeys.has(value)) return;
      if (key !== undefined && !harmlessKeys.has(key) && (knownSecretKeys.has(key) || secretLookingKey.test(key))) {
        findings.push({
          path,
          reason: `“${key}” holds a value; secrets belong in the server's secrets, not in a bundle.`,
        });
      } else if (secretLookingValue.some((pattern) => pattern.test(value))) {
        findings.push({ path, reason: 'The value looks like a credential (bearer token, JWT or private key).' });
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`, key));
      return;
    }
    if (value && typeof value === 'object') {
      for (const [child, item] of Object.entries(value as Record<string, unknown>)) {
        if (shapeKeys.has(child)) continue;
        // A slot declaration may not carry a value under any name.
        if (
          /^secretSlots\[\d+\]$/.test(path.split('.').pop() ?? '') &&
          ['value', 'secret'].includes(child) &&
          item !== null &&
          item !== ''
        ) {
          findings.push({ path: `${path}.${child}`, reason: 'A secret slot carries a value.' });
          continue;
        }
        visit(item, path ? `${path}.${child}` : child, child);
      }
    }
  };
  visit(raw, '', undefined);
  return findings;
}

/** The secrets a connection of this system needs, by the connector's slot name (the system spec says which, given the settings). */
export function requiredSecretKeys(system: SystemId, settings: Record<string, unknown>): string[] {
  return [...systemSpec(system).secrets.required(settings)];
}

/** Every slot the connector can use (required ones first), for export. */
export function secretKeysOf(system: SystemId, settings: Record<string, unknown>): string[] {
  const { secrets } = systemSpec(system);
  return [...new Set([...secrets.required(settings), ...(secrets.optional?.(settings) ?? [])])];
}

/** `zoho.refresh_token` → `MLC_SECRET_ZOHO_REFRESH_TOKEN`. */
export function secretEnvName(slot: string): string {
  return `MLC_SECRET_${slot.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** `zoho` + `apiDomain` → `MLC_SETTING_ZOHO_APIDOMAIN`. */
export function settingEnvName(ref: string, key: string): string {
  return `MLC_SETTING_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${key.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}
