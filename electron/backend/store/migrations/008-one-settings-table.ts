import type { Migration } from './migration';

/**
 * The store had two key-value tables: `settings` (store id, retention, the
 * CLI's memory) and `ui_preferences` (the browser mode's theme and recent
 * files). One table now holds both; preferences move under `ui.<key>` (the
 * only row, `prefs`, becomes `ui.prefs`). A plain INSERT, not an upsert: a key
 * already taken fails the migration (and leaves both tables as they were)
 * rather than dropping a row.
 */
export const migration: Migration = {
  id: 'store/002-one-settings-table',
  up: `
    INSERT INTO settings (key, value) SELECT 'ui.' || key, value FROM ui_preferences;
    DROP TABLE ui_preferences;
  `,
};
