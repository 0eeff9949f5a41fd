import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { redactStoreUrl, storeUrlFrom } from '../../../electron/backend/store/store-url';

function refusal(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the store URL of headless commands', () => {
  it('takes --store first, then MLC_STORE_URL, and none means the data folder’s SQLite store', () => {
    const env = { MLC_STORE_URL: 'postgresql://mlc@db.internal/env' };
    expect(storeUrlFrom('postgres://mlc@db.internal/flag', env)).toBe('postgres://mlc@db.internal/flag');
    expect(storeUrlFrom(undefined, env)).toBe('postgresql://mlc@db.internal/env');
    expect(storeUrlFrom(undefined, {})).toBeUndefined();
    expect(storeUrlFrom(undefined, { MLC_STORE_URL: '  ' })).toBeUndefined();
  });

  it('refuses what is not a PostgreSQL URL, naming where it came from and what to give', () => {
    const scheme = refusal(() => storeUrlFrom(undefined, { MLC_STORE_URL: 'sqlite:///data/mlc.sqlite' }));
    expect(scheme.code).toBe('E_INVALID_INPUT');
    expect(scheme.message).toBe(
      "MLC_STORE_URL takes a postgres:// or postgresql:// URL (sqlite:// is not a store this runtime opens); leave it out to use the data folder's SQLite store.",
    );
    const text = refusal(() => storeUrlFrom('/var/lib/mlc/mlc.sqlite', {}));
    expect(text.message).toContain('--store is not a URL.');
  });

  it('masks the password, in the user part and in the query', () => {
    expect(redactStoreUrl('postgres://mlc:s3cr%40t@db.internal:5432/mlc')).toBe(
      'postgres://mlc:***@db.internal:5432/mlc',
    );
    expect(redactStoreUrl('postgres://db.internal/mlc?user=mlc&password=s3cret')).toBe(
      'postgres://db.internal/mlc?user=mlc&password=***',
    );
    expect(redactStoreUrl('postgres://db.internal/mlc')).toBe('postgres://db.internal/mlc');
  });
});
