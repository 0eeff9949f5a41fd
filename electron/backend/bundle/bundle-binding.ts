import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { requiredSecretKeys, secretEnvName, settingEnvName } from '../../../shared/bundle/bundle-secrets';
import type { Bundle, BundleConnection } from '../../../shared/bundle/bundle.schema';
import type { Connection } from '../../../shared/domain/connection';
import { AppError } from '../../../shared/errors';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../connectors/infor/ionapi';
import { registerSecret } from '../util/redact';

/**
 * How a bundle's connections meet real endpoints on a server. Later sources win:
 *
 * 1. the bundle's own settings (as designed);
 * 2. for sandbox connections, the file `mlc sandbox` wrote into `<data dir>/sandbox/`
 *    (loopback URLs and sandbox-only credentials);
 * 3. the settings/secrets file (`--secrets FILE`, owner-readable only):
 *    `{ "settings": { "<ref>": { "<key>": value } }, "secrets": { "<ref>.<key>": "value" } }`;
 * 4. environment: `MLC_SETTING_<REF>_<KEY>` for settings the bundle names, `MLC_SECRET_<SLOT>` for secrets;
 * 5. the OS keyring for secrets still missing (best effort): `secret-tool lookup service
 *    ml-connector-studio slot <slot>` on Linux, `security find-generic-password -s
 *    ml-connector-studio -a <slot> -w` on macOS; absent tools are skipped silently.
 */
export interface BindingOptions {
  env: NodeJS.ProcessEnv;
  secretsFile?: string;
  /** Where `mlc sandbox` writes its connection files (default `<data dir>/sandbox`). */
  sandboxDir?: string;
  /** Ask the OS keyring for missing secrets (default true; `MLC_KEYRING=off` disables). */
  keyring?: boolean;
}

export type SecretSource = 'env' | 'file' | 'keyring' | 'sandbox';

export interface BoundConnection {
  id: string;
  ref: string;
  system: Connection['system'];
  name: string;
  sandbox: boolean;
  settings: Connection['settings'];
  /** By the connector's slot name; never logged. */
  secrets: Record<string, string>;
  /** Where each provided slot came from (names only, safe to log). */
  sources: Record<string, SecretSource>;
  /** Required slots nothing provided, by bundle slot name. */
  missing: string[];
}

export const keyringService = 'ml-connector-studio';

interface SecretsFile {
  settings?: Record<string, Record<string, Connection['settings'][string]>>;
  secrets?: Record<string, string>;
}

export function readSecretsFile(file: string): SecretsFile {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new AppError('E_SECRET_UNAVAILABLE', `The secrets file ${path.basename(file)} cannot be read.`);
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      `The secrets file ${path.basename(file)} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); run \`chmod 600\` on it.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // Never echo the content: it holds secrets.
    throw new AppError('E_SECRET_UNAVAILABLE', `The secrets file ${path.basename(file)} is not valid JSON.`);
  }
  if (!parsed || typeof parsed !== 'object')
    throw new AppError('E_SECRET_UNAVAILABLE', `The secrets file ${path.basename(file)} must hold a JSON object.`);
  const file_ = parsed as SecretsFile;
  for (const value of Object.values(file_.secrets ?? {})) registerSecret(value);
  return file_;
}

/**
 * `MLC_SECRET_<SLOT>_FILE=/path`: the slot's value is that file's content (one trailing newline
 * dropped) — a Kubernetes or Docker secret mounted as a file. No mode check: the platform mounts
 * it read-only for the pod's user, often group-readable through fsGroup.
 */
function mountedSecret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[name];
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      `${name} names ${path.basename(file)}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`,
    );
  }
}

/** Settings and secrets from a sandbox connection file (`.ionapi` or `<system>-sandbox.connection.json`). */
function readSandboxFile(
  file: string,
): { settings: Connection['settings']; secrets: Record<string, string> } | undefined {
  if (!fs.existsSync(file)) return undefined;
  const content = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.ionapi')) {
    const parsed = parseIonApi(content, path.basename(file));
    return { settings: { ...ionApiSettings(parsed), onPremises: parsed.onPremises }, secrets: ionApiSecrets(parsed) };
  }
  const json = JSON.parse(content) as { settings?: Connection['settings']; secrets?: Record<string, string> };
  return { settings: json.settings ?? {}, secrets: json.secrets ?? {} };
}

function keyringLookup(slot: string): string | undefined {
  const command =
    process.platform === 'darwin'
      ? { file: 'security', args: ['find-generic-password', '-s', keyringService, '-a', slot, '-w'] }
      : process.platform === 'linux'
        ? { file: 'secret-tool', args: ['lookup', 'service', keyringService, 'slot', slot] }
        : undefined;
  if (!command) return undefined;
  const result = spawnSync(command.file, command.args, {
    encoding: 'utf8',
    timeout: 5_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (result.error || result.status !== 0) return undefined;
  const value = result.stdout.replace(/\r?\n$/, '');
  return value === '' ? undefined : value;
}

function coerce(text: string, like: unknown): Connection['settings'][string] {
  if (typeof like === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (typeof like === 'boolean') return /^(1|true|yes|on)$/i.test(text.trim());
  return text;
}

export function bindConnection(
  connection: BundleConnection,
  options: BindingOptions,
  file?: SecretsFile,
): BoundConnection {
  let settings: Connection['settings'] = { ...connection.settings };
  const secrets: Record<string, string> = {};
  const sources: Record<string, SecretSource> = {};
  const put = (key: string, value: string | undefined, source: SecretSource) => {
    if (value === undefined || value === '') return;
    registerSecret(value);
    secrets[key] = value;
    sources[key] = source;
  };
  if (connection.sandbox && connection.sandboxFile && options.sandboxDir) {
    const sandbox = readSandboxFile(path.join(options.sandboxDir, connection.sandboxFile));
    if (sandbox) {
      // The designed choices (product line, names) stay; endpoints and credentials come from the running sandbox.
      settings = {
        ...settings,
        ...sandbox.settings,
        ...(connection.settings.productLine ? { productLine: connection.settings.productLine } : {}),
      };
      for (const [key, value] of Object.entries(sandbox.secrets)) put(key, value, 'sandbox');
    }
  }
  settings = { ...settings, ...(file?.settings?.[connection.ref] ?? {}) };
  for (const key of Object.keys(settings)) {
    const value = options.env[settingEnvName(connection.ref, key)];
    if (value !== undefined) settings[key] = coerce(value, settings[key]);
  }
  const keyring = options.keyring !== false && options.env.MLC_KEYRING !== 'off';
  for (const slot of connection.secretSlots) {
    put(slot.key, file?.secrets?.[slot.slot], 'file');
    put(slot.key, mountedSecret(options.env, `${secretEnvName(slot.slot)}_FILE`), 'file');
    put(slot.key, options.env[secretEnvName(slot.slot)], 'env');
  }
  const required = new Set(requiredSecretKeys(connection.system, settings));
  for (const slot of connection.secretSlots) {
    if (keyring && secrets[slot.key] === undefined && required.has(slot.key))
      put(slot.key, keyringLookup(slot.slot), 'keyring');
  }
  const missing = connection.secretSlots
    .filter((slot) => required.has(slot.key) && secrets[slot.key] === undefined)
    .map((slot) => slot.slot);
  return {
    id: connection.id,
    ref: connection.ref,
    system: connection.system,
    name: connection.name,
    sandbox: connection.sandbox,
    settings,
    secrets,
    sources,
    missing,
  };
}

export function bindConnections(bundle: Bundle, options: BindingOptions): BoundConnection[] {
  const file = options.secretsFile ? readSecretsFile(options.secretsFile) : undefined;
  return bundle.connections.map((connection) => bindConnection(connection, options, file));
}

/** What to tell the user about missing secrets: each slot with the env variable that would provide it. */
export function missingSecretsMessage(bound: BoundConnection[]): string | undefined {
  const missing = bound.flatMap((connection) => connection.missing);
  if (missing.length === 0) return undefined;
  return `No value for the secret slot${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. Set ${missing.map(secretEnvName).join(', ')}, pass --secrets FILE, or store ${missing.length > 1 ? 'them' : 'it'} in the OS keyring (service “${keyringService}”, slot name as the account).`;
}
