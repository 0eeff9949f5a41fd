import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { openDatabase } from '../../../electron/backend/store/database';
import { SqliteConnectionsRepository } from '../../../electron/backend/connections/connections.repository';
import { SqliteSecretsRepository } from '../../../electron/backend/secrets/secrets.repository';
import { SecretVault } from '../../../electron/backend/secrets/secret-vault';
import { resolveMasterKey } from '../../../electron/backend/secrets/master-key';
import { redact } from '../../../electron/backend/util/redact';
import { tempDir } from '../../support/paths';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function store() {
  const temp = tempDir('mlc-vault-');
  const db = openDatabase({ file: path.join(temp.dir, 'mlc.sqlite') });
  cleanups.push(
    () => temp.remove(),
    () => db.close(),
  );
  const connection = new SqliteConnectionsRepository(db).create({
    system: 'infor',
    name: 'Infor',
    settings: {},
    sandbox: false,
  });
  return { db, dir: temp.dir, id: connection.id };
}

describe('secret vault', () => {
  it('round-trips secrets and stores them tagged by key version and algorithm', () => {
    const { db, dir, id } = store();
    const vault = new SecretVault(new SqliteSecretsRepository(db), { dataDir: dir, env: {} });
    const secret = 'sask-' + randomBytes(24).toString('base64url');
    vault.set(id, 'service_account_secret', secret);
    expect(vault.get(id, 'service_account_secret')).toBe(secret);
    const row = db.prepare('SELECT ciphertext FROM connection_secrets WHERE connection_id = ?').get(id) as {
      ciphertext: string;
    };
    expect(row.ciphertext).toMatch(/^v1:aes-256-gcm:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(row.ciphertext).not.toContain(secret);
    expect(new SqliteConnectionsRepository(db).get(id)!.secretsSet).toEqual(['service_account_secret']);
    // Registered for redaction as soon as it was stored.
    expect(redact(`upstream said: ${secret}`)).not.toContain(secret);
  });

  it('creates a 0600 key file on first use and reuses it', () => {
    const { db, dir, id } = store();
    new SecretVault(new SqliteSecretsRepository(db), { dataDir: dir, env: {} }).set(
      id,
      'client_secret',
      'first-value-123',
    );
    const file = path.join(dir, 'master.key');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(new SecretVault(new SqliteSecretsRepository(db), { dataDir: dir, env: {} }).get(id, 'client_secret')).toBe(
      'first-value-123',
    );
  });

  it('prefers MLC_MASTER_KEY and the shell-provided key, and rejects malformed keys clearly', () => {
    const { dir } = store();
    const key = randomBytes(32);
    expect(resolveMasterKey({ dataDir: dir, env: { MLC_MASTER_KEY: key.toString('base64') } })).toMatchObject({
      source: 'env',
      key,
    });
    expect(resolveMasterKey({ dataDir: dir, env: { MLC_MASTER_KEY: 'x' }, provided: key })).toMatchObject({
      source: 'shell',
    });
    expect(() =>
      resolveMasterKey({ dataDir: dir, env: { MLC_MASTER_KEY: randomBytes(16).toString('base64') } }),
    ).toThrow(/32/);
    expect(() => resolveMasterKey({ dataDir: dir, env: { MLC_MASTER_KEY: 'not base64 !!' } })).toThrow(/base64/);
  });

  it('fails clearly with the wrong key, without leaking the secret or the ciphertext', () => {
    const { db, dir, id } = store();
    const secret = 'super-secret-value-' + randomBytes(8).toString('hex');
    new SecretVault(new SqliteSecretsRepository(db), {
      dataDir: dir,
      env: { MLC_MASTER_KEY: randomBytes(32).toString('base64') },
    }).set(id, 'client_secret', secret);
    const ciphertext = (db.prepare('SELECT ciphertext FROM connection_secrets').get() as { ciphertext: string })
      .ciphertext;
    const other = new SecretVault(new SqliteSecretsRepository(db), {
      dataDir: dir,
      env: { MLC_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    let caught: unknown;
    try {
      other.get(id, 'client_secret');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect(error.code).toBe('E_SECRET_UNAVAILABLE');
    expect(error.message).toMatch(/different key/);
    const everything = JSON.stringify({ message: error.message, details: error.details, stack: error.stack });
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(ciphertext.split(':')[4]!);
  });

  it('binds a ciphertext to its connection and slot', () => {
    const { db, dir, id } = store();
    const vault = new SecretVault(new SqliteSecretsRepository(db), { dataDir: dir, env: {} });
    vault.set(id, 'client_secret', 'bound-value-123');
    db.prepare(`UPDATE connection_secrets SET slot = 'service_account_secret' WHERE connection_id = ?`).run(id);
    expect(() => vault.get(id, 'service_account_secret')).toThrow(AppError);
  });

  it('deletes secrets with their connection', () => {
    const { db, dir, id } = store();
    const vault = new SecretVault(new SqliteSecretsRepository(db), { dataDir: dir, env: {} });
    vault.setMany(id, { client_secret: 'value-abcdef', service_account_key: 'key-abcdef' });
    expect(vault.slots(id)).toEqual(['client_secret', 'service_account_key']);
    new SqliteConnectionsRepository(db).remove(id);
    expect(vault.slots(id)).toEqual([]);
  });
});
