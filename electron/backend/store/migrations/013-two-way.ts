import type { Migration } from './migration';

/**
 * Two-way integrations (issue 16): where a source's read can resume (a Dataverse delta link, a Zendesk
 * incremental cursor) is kept beside the watermark; the id map is searched by target key, so a flow
 * reading a system another flow writes finds the writes that come back to it (echoes).
 */
export const migration: Migration = {
  id: 'sync/005-two-way',
  up: `
    ALTER TABLE watermarks ADD COLUMN cursor TEXT;
    CREATE INDEX id_map_by_target_key ON id_map (flow_id, target_key);
  `,
};
