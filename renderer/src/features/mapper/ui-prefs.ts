/**
 * The analyst's layout choices for the mapper (collapsed palette or side panel, the overview
 * map), remembered in the renderer's localStorage across mappings and sessions. Panel widths
 * are remembered separately by react-resizable-panels (`mapper-panels`).
 */
export interface MapperUiPrefs {
  paletteCollapsed: boolean;
  sideCollapsed: boolean;
  minimap: boolean;
}

const key = 'mlc.mapper.ui.v1';

/** Below this window width the palette starts collapsed: the canvas needs the room (issue 19). */
export const narrowWindowPx = 1600;

export function readUiPrefs(storage: Storage, windowWidth: number): MapperUiPrefs {
  const defaults: MapperUiPrefs = {
    paletteCollapsed: windowWidth < narrowWindowPx,
    sideCollapsed: false,
    // On a laptop screen the overview map would sit on the trees: off until asked for.
    minimap: windowWidth >= narrowWindowPx,
  };
  try {
    const raw = storage.getItem(key);
    if (!raw) return defaults;
    const stored = JSON.parse(raw) as Partial<Record<keyof MapperUiPrefs, unknown>>;
    const flag = (name: keyof MapperUiPrefs) =>
      typeof stored[name] === 'boolean' ? (stored[name] as boolean) : defaults[name];
    return {
      paletteCollapsed: flag('paletteCollapsed'),
      sideCollapsed: flag('sideCollapsed'),
      minimap: flag('minimap'),
    };
  } catch {
    // Unreadable preferences (hand-edited, or from a future version) fall back to the defaults.
    return defaults;
  }
}

export function writeUiPrefs(storage: Storage, prefs: MapperUiPrefs): void {
  try {
    storage.setItem(key, JSON.stringify(prefs));
  } catch {
    // A full or disabled storage only loses the preference, never the editor.
  }
}

/** Changes some preferences, keeping the others as stored. */
export function updateUiPrefs(storage: Storage, windowWidth: number, patch: Partial<MapperUiPrefs>): MapperUiPrefs {
  const next = { ...readUiPrefs(storage, windowWidth), ...patch };
  writeUiPrefs(storage, next);
  return next;
}
