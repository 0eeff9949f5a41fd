import { uiPrefsSchema, type AppInfo, type UiPrefs } from '../../../shared/api/app.contract';
import type { Handlers } from '../api/dispatch';
import type { SettingsRepository } from '../store/settings.repository';
import type { StoreHistory } from '../store/store';
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
    schemaVersion: context.store.schemaVersion(),
    platform: `${process.platform}-${process.arch}`,
    storeReplaced: storeReplaced(context.store.history),
  }),
  // The one place ui.prefs is answered, for every runtime: the desktop shell forwards these
  // like any other method (window bounds stay with the shell).
  'ui.prefs.get': (_input, context) => readPrefs(context.store.settings),
  'ui.prefs.set': (input, context) => {
    const next = uiPrefsSchema.parse({ ...readPrefs(context.store.settings), ...input });
    context.store.settings.set(prefsKey, JSON.stringify(next));
    return next;
  },
};

/** In the store's key-value table, beside the store's own settings (see migration 008). */
const prefsKey = 'ui.prefs';

function readPrefs(settings: SettingsRepository): UiPrefs {
  const stored = settings.get(prefsKey);
  if (stored === undefined) return defaults;
  const parsed = uiPrefsSchema.safeParse({ ...defaults, ...(JSON.parse(stored) as object) });
  return parsed.success ? parsed.data : defaults;
}

/** The replaced-store warning with the flows still to resync by name; gone once each has run again. */
function storeReplaced(history: StoreHistory): AppInfo['storeReplaced'] {
  const lost = history.lost();
  if (!lost || history.clearWhenCaughtUp()) return null;
  return {
    previousStoreId: lost.previousId,
    storeId: lost.currentId,
    detectedAt: lost.detectedAt,
    flowsToResync: history.flowsWithoutHistory(),
  };
}
