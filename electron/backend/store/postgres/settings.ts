import type { AsyncSettingsRepository } from '../async-store';
import type { Sql } from './sql';

export class PgSettingsRepository implements AsyncSettingsRepository {
  constructor(private readonly sql: Sql) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.sql.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]))[0]?.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.sql.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  async remove(key: string): Promise<boolean> {
    return (
      (await this.sql.query<{ key: string }>('DELETE FROM settings WHERE key = $1 RETURNING key', [key])).length > 0
    );
  }
}
