import type { Migration } from './migration';

export const migration: Migration = {
  id: 'zoho/001-token-refresh-leases',
  up: `
      -- Who may refresh a connection's token right now. Zoho blocks a refresh token after a few
      -- access tokens in ten minutes, so the desktop backend and mlc processes take turns.
      CREATE TABLE token_refresh_leases (
        connection_id TEXT PRIMARY KEY,
        holder        TEXT NOT NULL,
        expires_at    INTEGER NOT NULL
      );
    `,
};
