import { AppError } from '../../../../shared/errors';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import { queryLength } from './m3-export';

/** Keys EXPORTMI can quote: no quote, no `~` (the separator below), nothing its parser might read as syntax. */
export const quotableKey = (value: string) => /^[\w .\-/&]*$/.test(value);

/**
 * `EXPORTMI/Select` of `columns` (prefixed names) from `table` for the rows whose `keyColumn` is one
 * of `values` (each quotable: see `quotableKey`), ORed conditions in queries that fit the QERY budget.
 * Rows come back as their column values in `columns` order, trimmed. A line that does not split into
 * exactly those columns (free text holding the `~` separator, a reference) fails naming its row: a
 * shifted column would read as another record's key or stamp.
 */
export async function selectWhereIn(
  context: HookContext,
  query: { table: string; keyColumn: string; columns: string[]; values: string[] },
  signal?: AbortSignal,
): Promise<string[][]> {
  // With a company chosen, each row's CONO comes along and must be it: a tenant whose EXPORTMI reads
  // only the user's default company (API-FACTS §10) would otherwise answer for another company's records.
  const company = String(context.settings.m3Company ?? '').trim();
  const conoColumn = `${query.keyColumn.slice(0, 2)}CONO`;
  const columns = company ? [...query.columns, conoColumn] : query.columns;
  const head = `${columns.join(', ')} from ${query.table} where `;
  const condition = (value: string) => `${query.keyColumn} = '${value}'`;
  const rows: string[][] = [];
  let group: string[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    const text = head + group.map(condition).join(' or ');
    group = [];
    const result = await m3Execute(
      context,
      'EXPORTMI',
      'Select',
      { QERY: text, SEPC: '~', HDRS: '0' },
      { maxrecs: 10_000, signal },
    );
    for (const row of result.records) {
      const parts = (row.REPL ?? '').split('~').map((part) => part.trim());
      if (parts.length !== columns.length)
        throw new AppError(
          'E_INFOR_M3_AMBIGUOUS_ROW',
          `Infor M3: the ${query.table} row starting “${parts[0] ?? ''}” does not split into its ${columns.length} columns (${columns.join(', ')}): a value holds the separator “~”.`,
          { table: query.table, columns },
        );
      if (company) {
        const found = parts.pop() ?? '';
        if (Number(found) !== Number(company))
          throw new AppError(
            'E_REMOTE',
            `M3 EXPORTMI returned the ${query.table} row of ${parts[0] ?? ''} in company ${found || '(none)'}, not ${company}: this tenant reads EXPORTMI only in the user's default company. Make ${company} the service account's default company in M3, or leave the company setting empty.`,
            { table: query.table, company, found },
          );
      }
      rows.push(parts);
    }
  };
  for (const value of new Set(query.values.filter(Boolean))) {
    const length = head.length + [...group, value].map(condition).join(' or ').length;
    if (length > queryLength) await flush();
    group.push(value);
  }
  await flush();
  return rows;
}
