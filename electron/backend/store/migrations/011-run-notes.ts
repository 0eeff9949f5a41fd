import type { Migration } from './migration';

/**
 * Added after `store/003`: what the systems said about a run (M3: incremental sync not engaged and
 * why; Zendesk: bulk import off, users written one at a time), each once, kept with the run so the
 * Runs screen and `mlc runs` show it, not only the log.
 */
export const migration: Migration = {
  id: 'sync/004-run-notes',
  up: `
    ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '[]';
  `,
};
