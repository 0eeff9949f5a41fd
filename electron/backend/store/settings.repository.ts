import type { Db } from './database';

/**
 * The store's one key-value table (`settings`): the store's id, audit
 * retention, what `mlc run` remembers, the sandbox workspace, and the UI
 * preferences under `ui.*` (the browser mode and the CLI; see app/ui-prefs).
 */
export interface SettingsRepository {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  remove(key: string): boolean;
}

export class SqliteSettingsRepository implements SettingsRepository {
  constructor(private readonly db: Db) {}

  get(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }

  set(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  remove(key: string): boolean {
    return this.db.prepare('DELETE FROM settings WHERE key = ?').run(key).changes > 0;
  }
}
