import Store from 'electron-store';
import { uiPrefsSchema, type UiPrefs } from '../../shared/api/app.contract';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

interface Shape {
  window: WindowBounds;
  ui: UiPrefs;
  /** Linux without a keyring: the user agreed that safeStorage's weak `basic_text` may protect secrets. */
  acceptBasicTextSecrets: boolean;
}

/** Shell preferences only (window, theme, recent files); domain data lives in the backend store. */
export const preferences = new Store<Shape>({
  name: 'preferences',
  defaults: {
    window: { width: 1360, height: 860, maximized: false },
    ui: { theme: 'system', recentFiles: [] },
    acceptBasicTextSecrets: false,
  },
});

export function readUiPrefs(): UiPrefs {
  const parsed = uiPrefsSchema.safeParse(preferences.get('ui'));
  return parsed.success ? parsed.data : { theme: 'system', recentFiles: [] };
}

export function writeUiPrefs(patch: Partial<UiPrefs>): UiPrefs {
  const next = uiPrefsSchema.parse({ ...readUiPrefs(), ...patch });
  preferences.set('ui', next);
  return next;
}
