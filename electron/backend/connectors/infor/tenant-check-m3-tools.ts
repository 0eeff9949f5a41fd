import { AppError } from '../../../../shared/errors';
import type { HookContext } from '../framework/hooks';
import { detectM3StampForm } from './infor-formats';
import { resolveSources, type M3Source } from './infor-sources';
import { exportColumns, separatorCandidates, type ExportColumn } from './m3-export';
import { select, type ReadState } from './m3-table-read';

/**
 * What every M3 probe of the tenant check shares: the customers source (its table, `OCUSMA` unless
 * `entitySources` says otherwise), its columns from EXPORTMI/LstFields, and one sample of keys,
 * stamps and change dates read the way the reader reads (`select`), so what is confirmed is what a
 * read does.
 */
export type M3CheckTools = ReturnType<typeof m3CheckTools>;

export function m3CheckTools(context: HookContext) {
  const source = resolveSources('m3', context.settings.entitySources).customers as M3Source | undefined;
  if (!source) throw new AppError('E_INVALID_INPUT', 'Infor M3: the tenant check needs a customers source.');
  const table = source.table;
  const state = (signal: AbortSignal): ReadState => ({ separators: [...separatorCandidates], calls: 0, signal });
  const column = async (name: string | undefined, signal: AbortSignal) =>
    name ? (await exportColumns(context, table, signal)).find((candidate) => candidate.name === name) : undefined;
  const keys = async (signal: AbortSignal) => {
    const all = await exportColumns(context, table, signal);
    const found = source.keys.map((key) => all.find((candidate) => candidate.name === key));
    if (found.some((key) => !key))
      throw new AppError('E_REMOTE', `M3 ${table} lacks a key column of ${source.keys.join(', ')}.`);
    return found as ExportColumn[];
  };
  // One stamp sample for U1 and U2; fetched by whichever probe needs it first (again if that one failed).
  let stampSample: Promise<Array<Record<string, string>>> | undefined;
  const sample = (signal: AbortSignal) => {
    stampSample ??= (async () => {
      const stamp = await column(source.stamp, signal);
      const date = await column(source.changeDate, signal);
      if (!stamp || !date) return [];
      return select(context, table, [...(await keys(signal)), stamp, date], undefined, 20, state(signal));
    })();
    stampSample.catch(() => (stampSample = undefined));
    return stampSample;
  };
  const formOf = (rows: Array<Record<string, string>>) =>
    detectM3StampForm(rows.map((row) => ({ stamp: row[source.stamp!] ?? '', date: row[source.changeDate!] ?? '' })));

  return { context, source, table, state, column, keys, sample, formOf };
}
