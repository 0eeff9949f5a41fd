import { AppError } from '../../../../shared/errors';
import type { CatalogEntry, JsonObject } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { matches, type CatalogKindReader } from './catalog-kinds';
import { m3Execute } from './m3-api';
import { exportColumns } from './m3-export';

/** M3 programs whose transactions one search lists (one `LstTransactions` call each). */
export const m3ProgramLimit = 20;

/** M3 tables, found by name (EXPORTMI verifies them). */
export const m3Table: CatalogKindReader = {
  /**
   * No MI transaction lists M3 tables (plan finding 6): a table is found by its exact name, which
   * `EXPORTMI/LstFields FILE=` verifies. A search that cannot be a table name lists none.
   */
  async list(context, search, signal, named) {
    if (!/^[A-Za-z][A-Za-z0-9]{3,9}$/.test(search)) return { entries: [], complete: true };
    try {
      return { entries: [await describeM3Table(context, search, signal)], complete: true };
    } catch (error) {
      if (!named && error instanceof AppError && error.code === 'E_NOT_FOUND') return { entries: [], complete: true };
      throw error;
    }
  },
  describe: (context, name, { signal }) => describeM3Table(context, name, signal),
};

/** M3 MI list transactions, from MRS001MI. */
export const m3List: CatalogKindReader = {
  /** `MRS001MI/LstPrograms`, then `LstTransactions` of the matching programs: their `Lst…` transactions. */
  async list(context, search, signal) {
    const programs = (await m3Execute(context, 'MRS001MI', 'LstPrograms', {}, { maxrecs: 0, signal })).records
      .map((row) => ({ name: (row.MINM ?? '').trim(), description: (row.MIDS ?? '').trim() }))
      .filter((program) => program.name);
    // A search naming a transaction (`CRS610MI.LstByName`, `CRS610MI/LstByName`) names its program first.
    const [programPart, transactionPart = ''] = search.split(/[./]/);
    const wanted = programs
      .filter((program) => matches(programPart ?? '', program.name, program.description))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const entries: CatalogEntry[] = [];
    for (const program of wanted.slice(0, m3ProgramLimit)) {
      const transactions = await m3Execute(
        context,
        'MRS001MI',
        'LstTransactions',
        { MINM: program.name },
        {
          maxrecs: 0,
          signal,
        },
      );
      for (const row of transactions.records) {
        const transaction = (row.TRNM ?? '').trim();
        const description = (row.TRDS ?? '').trim();
        if (!transaction.startsWith('Lst') || !matches(transactionPart, transaction, description)) continue;
        entries.push({
          id: `m3.${program.name}.${transaction}`,
          name: `${program.name}/${transaction}`,
          label: description || `${program.name}/${transaction}`,
          kind: 'm3-list',
          description: program.description || undefined,
          // A list transaction is read in list mode, whose change stamps come from its table: the table is
          // not in MI metadata, so the person names it when adding (see `describeM3List`).
          source: { mode: 'list', list: { program: program.name, transaction, start: '', key: '' } },
        });
      }
    }
    return { entries, complete: wanted.length <= m3ProgramLimit };
  },
  describe: describeM3List,
};

/**
 * An M3 table: its columns from `EXPORTMI/LstFields FILE=`, its primary key from
 * `MRS001MI/LstLogicalFiles` (index `00`; CONO left out as every read is per company), its
 * change stamp and change date from the column names (`??LMTS`, `??LMDT`).
 */
async function describeM3Table(context: HookContext, name: string, signal?: AbortSignal): Promise<CatalogEntry> {
  const table = name.toUpperCase();
  let columns;
  try {
    columns = await exportColumns(context, table, signal);
  } catch (error) {
    if (error instanceof AppError)
      throw new AppError('E_NOT_FOUND', `M3 has no table ${table} (EXPORTMI/LstFields: ${error.message}).`, {
        table,
      });
    throw error;
  }
  const indexes = (await m3Execute(context, 'MRS001MI', 'LstLogicalFiles', { FILE: table }, { maxrecs: 0, signal }))
    .records;
  const primary = indexes.find((row) => (row.FLIX ?? '').trim() === '00') ?? indexes[0];
  const keys = Object.entries(primary ?? {})
    .filter(([field]) => /^FL(D\d|\d\d)$/.test(field))
    .sort(([a], [b]) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')))
    .map(([, value]) => value.trim())
    .filter((value) => value && !value.endsWith('CONO'));
  if (keys.length === 0)
    throw new AppError('E_INVALID_INPUT', `M3 table ${table} has no primary key in MRS001MI/LstLogicalFiles.`);
  const named = (suffix: string) => columns.find((column) => column.name.slice(2) === suffix)?.name;
  const source: JsonObject = { table, keys, label: table };
  const stamp = named('LMTS');
  const changeDate = named('LMDT');
  if (stamp) source.stamp = stamp;
  if (changeDate) source.changeDate = changeDate;
  return { id: `m3.${table}`, name: table, label: table, kind: 'm3-table', source };
}

/**
 * An MI list transaction read in list mode (m3-reader.ts): paged from a start input by a unique
 * key, with change stamps from the table it lists. MI metadata does not name that table, so the
 * person does (`OCUSMA` for `CRS610MI/LstByNumber`); the table's single key is the list's key,
 * and the input that starts a page is that key's own input (`CUNO`) or its from-input (`FRSU`).
 * `MRS001MI/LstFields` (TRTP I and O) gives the transaction's inputs and outputs.
 */
async function describeM3List(
  context: HookContext,
  name: string,
  options: { table?: string; signal?: AbortSignal },
): Promise<CatalogEntry> {
  const [program = '', transaction = ''] = name.split(/[./]/);
  if (!options.table)
    throw new AppError(
      'E_INVALID_INPUT',
      `M3 ${program}/${transaction} is a list transaction: name the table it lists (e.g. OCUSMA for CRS610MI/LstByNumber), whose change stamps the read uses.`,
      { field: 'table' },
    );
  const table = await describeM3Table(context, options.table, options.signal);
  const tableSource = table.source as { table: string; keys: string[]; stamp?: string; changeDate?: string };
  const fields = async (kind: 'I' | 'O') =>
    (
      await m3Execute(
        context,
        'MRS001MI',
        'LstFields',
        { MINM: program, TRNM: transaction, TRTP: kind },
        { maxrecs: 0, signal: options.signal },
      )
    ).records.map((row) => (row.FLNM ?? '').trim());
  const [inputs, outputs] = [await fields('I'), await fields('O')];
  if (tableSource.keys.length !== 1)
    throw new AppError(
      'E_INVALID_INPUT',
      `M3 ${program}/${transaction} pages by one key, and ${tableSource.table} has ${tableSource.keys.length} key columns (${tableSource.keys.join(', ')}): add the table instead.`,
    );
  const key = tableSource.keys[0]!.slice(2);
  const start = inputs.find((input) => input === key) ?? inputs.find((input) => input === `FR${key.slice(0, 2)}`);
  if (!outputs.includes(key) || !start)
    throw new AppError(
      'E_INVALID_INPUT',
      `M3 ${program}/${transaction} cannot be paged by ${key}: ${outputs.includes(key) ? `no input starts the list at a ${key}` : `${key} is not among its outputs`}. Add the table ${tableSource.table} instead.`,
    );
  const list: JsonObject = { program, transaction, start, key };
  // The changed-since input, where the list has one (LstByNumber, LstSuppliers: API-FACTS §10).
  if (inputs.includes('LMTS')) list.stampInput = 'LMTS';
  const id = `m3.${program}.${transaction}`;
  return {
    id,
    name: `${program}/${transaction}`,
    label: `${program}/${transaction}`,
    kind: 'm3-list',
    source: { ...tableSource, mode: 'list', list, label: `${program}/${transaction}` },
  };
}
