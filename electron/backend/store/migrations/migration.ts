import type Database from 'better-sqlite3';

/** A forward-only schema change, applied once and recorded by id. */
export interface Migration {
  /** `<area>/<nnn>-<what>`; never renamed once released (stores record it). New ones: `store/<nnn>-<what>`. */
  id: string;
  up: string | ((db: Database.Database) => void);
}
