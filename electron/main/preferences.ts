import Store from 'electron-store';
import { uiPrefsSchema, type UiPrefs } from '../../shared/api/app.contract';
import type { Result } from '../../shared/api/result';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

interface Shape {
  window: WindowBounds;
  /** Theme and recent files as versions before the backend answered ui.prefs kept them; moved to the backend once. */
  ui?: UiPrefs;
  /** Linux without a keyring: the user agreed that safeStorage's weak `basic_text` may protect secrets. */
  acceptBasicTextSecrets: boolean;
}

/** Shell preferences only (window bounds, keyring consent); theme and recent files live in the backend store. */
export const preferences = new Store<Shape>({
  name: 'preferences',
  defaults: {
    window: { width: 1360, height: 860, maximized: false },
    acceptBasicTextSecrets: false,
  },
});

/**
 * Moves the theme and recent files an older version kept here into the
 * backend (which answers ui.prefs for every runtime), once: the copy here goes
 * only after the backend saved it, so a failed move is retried next start.
 */
export async function moveUiPrefsToBackend(
  invoke: (method: 'ui.prefs.set', input: UiPrefs) => Promise<Result<unknown>>,
): Promise<void> {
  const legacy = uiPrefsSchema.safeParse(preferences.get('ui'));
  if (!legacy.success) {
    preferences.delete('ui');
    return;
  }
  const saved = await invoke('ui.prefs.set', legacy.data);
  if (saved.ok) preferences.delete('ui');
}
