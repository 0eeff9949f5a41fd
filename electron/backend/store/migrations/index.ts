import { migration as m001 } from './001-core';
import { migration as m002 } from './002-connectors';
import { migration as m003 } from './003-sync';
import { migration as m004 } from './004-zoho';
import { migration as m005 } from './005-sync-replay-origin';
import { migration as m006 } from './006-sync-run-lease';
import { migration as m007 } from './007-insertion-order';
import { migration as m008 } from './008-one-settings-table';
import { migration as m009 } from './009-mapping-connections';
import { migration as m010 } from './010-tenant-checks';
import { migration as m011 } from './011-run-notes';
import { migration as m012 } from './012-mapping-source-lines';
import { migration as m013 } from './013-two-way';
import { migration as m014 } from './014-audit-encoding';
import { migration as m015 } from './015-mapping-history';
import type { Migration } from './migration';

/**
 * Every migration in the order it applies: one file each, numbered by that
 * order. Add a new one as the next number at the end; never edit, reorder or
 * re-id a released one. Stores record migrations by `id` (see `migrate`), not
 * by file name, so the ids keep the names they were released with.
 */
export const migrations: Migration[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m006,
  m007,
  m008,
  m009,
  m010,
  m011,
  m012,
  m013,
  m014,
  m015,
];
