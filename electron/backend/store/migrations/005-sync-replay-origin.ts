import type { Migration } from './migration';

/** Added after `sync/001` was released: a replay run remembers which run it replayed and with which mapping. */
export const migration: Migration = {
  id: 'sync/002-replay-origin',
  up: `
      ALTER TABLE runs ADD COLUMN replay_of TEXT;
      ALTER TABLE runs ADD COLUMN replay_mapping TEXT;
    `,
};
