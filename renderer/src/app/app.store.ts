import { create } from 'zustand';
import type { AppInfo, UiPrefs } from '../../../shared/api/app.contract';
import type { ErrorInfo } from '../../../shared/errors';
import { api } from '../api/client';

export const sections = ['connections', 'mapper', 'flows', 'runs', 'bundles'] as const;
export type Section = (typeof sections)[number];

type Theme = UiPrefs['theme'];

/** A screen holding work that leaving would lose (the Mapper with unsaved changes). */
export interface LeaveGuard {
  /** True while leaving now would lose work. */
  blocks(): boolean;
  /** Asks the user; calls `leave` once they saved or discarded, never when they keep editing. */
  ask(leave: () => void): void;
}

interface AppState {
  section: Section;
  info?: AppInfo;
  startupError?: ErrorInfo;
  ready: boolean;
  theme: Theme;
  leaveGuard?: LeaveGuard;
  /** Goes to a section; asks the leave guard first when one holds unsaved work. */
  go(section: Section): void;
  setLeaveGuard(guard: LeaveGuard): void;
  /** Removes this guard (and only this one: a newer screen may have set its own). */
  clearLeaveGuard(guard: LeaveGuard): void;
  setTheme(theme: Theme): Promise<void>;
  start(): Promise<void>;
  /** Re-reads app.info (the replaced-store warning clears once every flow has run again). */
  refreshInfo(): Promise<void>;
}

export const useAppStore = create<AppState>()((set, get) => ({
  section: 'connections',
  ready: false,
  theme: 'system',
  go(section) {
    const { section: current, leaveGuard } = get();
    if (section === current) return;
    if (leaveGuard?.blocks()) leaveGuard.ask(() => set({ section }));
    else set({ section });
  },
  setLeaveGuard(leaveGuard) {
    set({ leaveGuard });
  },
  clearLeaveGuard(guard) {
    if (get().leaveGuard === guard) set({ leaveGuard: undefined });
  },
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
    if (info.ok && info.value.storeReplaced) {
      const off = api.on('runs.changed', () => {
        void get()
          .refreshInfo()
          .then(() => {
            if (!get().info?.storeReplaced) off();
          });
      });
    }
  },
  async refreshInfo() {
    const info = await api.invoke('app.info', {});
    if (info.ok) set({ info: info.value });
  },
}));
