import { create } from 'zustand';
import type { AppInfo, UiPrefs } from '../../../shared/api/app.contract';
import type { ErrorInfo } from '../../../shared/errors';
import { api } from '../api/client';

export const sections = ['connections', 'mapper', 'flows', 'runs', 'bundles'] as const;
export type Section = (typeof sections)[number];

type Theme = UiPrefs['theme'];

interface AppState {
  section: Section;
  info?: AppInfo;
  startupError?: ErrorInfo;
  ready: boolean;
  theme: Theme;
  go(section: Section): void;
  setTheme(theme: Theme): Promise<void>;
  start(): Promise<void>;
}

export const useAppStore = create<AppState>()((set) => ({
  section: 'connections',
  ready: false,
  theme: 'system',
  go: (section) => set({ section }),
  async setTheme(theme) {
    set({ theme });
    await api.invoke('ui.prefs.set', { theme });
  },
  async start() {
    const [info, prefs] = await Promise.all([api.invoke('app.info', {}), api.invoke('ui.prefs.get', {})]);
    set({
      info: info.ok ? info.value : undefined,
      startupError: info.ok ? undefined : info.error,
      theme: prefs.ok ? prefs.value.theme : 'system',
      ready: true,
    });
  },
}));
