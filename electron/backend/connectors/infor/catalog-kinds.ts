import type { CatalogEntry, CatalogPage } from '../framework/connector';
import type { HookContext } from '../framework/hooks';

/** What the person adds to a pick the system does not say: an M3 list's table, an FSM class's keys. */
export interface DescribeOptions {
  table?: string;
  keys?: string[];
  signal?: AbortSignal;
}

/** The kinds of objects a person can pick as an Infor entity. */
export const catalogKinds = ['m3-table', 'm3-list', 'csi-ido', 'ln-set', 'fsm-class'] as const;
export type CatalogKind = (typeof catalogKinds)[number];

/** Lists the objects of one kind matching a search; `named` = the person asked for this kind by name. */
export type Lister = (
  context: HookContext,
  search: string,
  signal: AbortSignal | undefined,
  named: boolean,
) => Promise<CatalogPage>;

/** Verifies one object by name and describes it in full, ready to store as an entity source. */
export type Describer = (context: HookContext, name: string, options: DescribeOptions) => Promise<CatalogEntry>;

/** One kind of object: how to list it and how to describe one. */
export interface CatalogKindReader {
  list: Lister;
  describe: Describer;
}

export const matches = (search: string, ...texts: Array<string | undefined>) =>
  !search || texts.some((text) => text?.toLowerCase().includes(search.toLowerCase()));
