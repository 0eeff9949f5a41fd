import type Database from 'better-sqlite3';

/** A forward-only schema change, applied once and recorded by id. */
export interface Migration {
  /** `<area>/<nnn>-<what>`; never renamed once released. */
  id: string;
  up: string | ((db: Database.Database) => void);
}
