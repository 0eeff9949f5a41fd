import { create } from 'zustand';
import type { EventPayload } from '../../../shared/api/contract';
import { api } from '../api/client';

export type Notice = EventPayload<'app.notice'> & { id: number };

interface NoticesState {
  notices: Notice[];
  add(notice: EventPayload<'app.notice'>): void;
  dismiss(id: number): void;
}

let nextId = 1;
/** Notices the shell or the backend sent (backend restarted, update downloaded…): shown until dismissed. */
export const useNotices = create<NoticesState>()((set) => ({
  notices: [],
  add: (notice) =>
    set((state) => ({
      // The same words twice (a backend crashing again) stay one notice; the newest few are kept.
      notices: [
        ...state.notices.filter((shown) => shown.message !== notice.message),
        { ...notice, id: nextId++ },
      ].slice(-3),
    })),
  dismiss: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
}));

// Subscribed while the page loads, so a notice sent before the first render is not lost.
api.on('app.notice', (notice) => useNotices.getState().add(notice));
