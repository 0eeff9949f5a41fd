import { uiPrefsSchema, type AppInfo, type UiPrefs } from '../../../shared/api/app.contract';
import type { Handlers } from '../api/dispatch';
import { schemaVersion } from '../store/database';
import { clearHistoryLostWhenCaughtUp, flowsWithoutHistory, historyLost } from '../store/store-identity';
import { appVersion, jsonataVersion } from './version';

type AppHandlers = Pick<Handlers, 'app.info' | 'ui.prefs.get' | 'ui.prefs.set'>;

const defaults: UiPrefs = { theme: 'system', recentFiles: [] };

export const appHandlers: AppHandlers = {
  'app.info': (_input, context) => ({
    name: 'ml-connector Studio',
    version: appVersion(),
    jsonataVersion: jsonataVersion(),
    runtime: context.runtime,
    dataDir: context.dataDir,
    schemaVersion: schemaVersion(context.db),
    platform: `${process.platform}-${process.arch}`,
    storeReplaced: storeReplaced(context.db),
  }),
  // In the desktop shell these two are answered by electron-store in the main process;
  // the backend's copy serves the browser mode and the CLI.
  'ui.prefs.get': (_input, context) => readPrefs(context.db),
  'ui.prefs.set': (input, context) => {
    const next = uiPrefsSchema.parse({ ...readPrefs(context.db), ...input });
    context.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run('ui.prefs', JSON.stringify(next));
    return next;
  },
};

function readPrefs(db: Parameters<typeof schemaVersion>[0]): UiPrefs {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get('ui.prefs') as { value: string } | undefined;
  if (!row) return defaults;
  const parsed = uiPrefsSchema.safeParse({ ...defaults, ...(JSON.parse(row.value) as object) });
  return parsed.success ? parsed.data : defaults;
}

/** The replaced-store warning with the flows still to resync by name; gone once each has run again. */
function storeReplaced(db: Parameters<typeof schemaVersion>[0]): AppInfo['storeReplaced'] {
  const lost = historyLost(db);
  if (!lost || clearHistoryLostWhenCaughtUp(db)) return null;
  return { previousStoreId: lost.previousId, storeId: lost.currentId, detectedAt: lost.detectedAt, flowsToResync: flowsWithoutHistory(db) };
}
