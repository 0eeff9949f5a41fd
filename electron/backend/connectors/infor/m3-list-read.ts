import { AppError } from '../../../../shared/errors';
import type { ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import { rowsPerCall, separatorCandidates } from './m3-export';
import { toM3Stamp } from './infor-formats';
import type { M3Source } from './infor-sources';
import { kindsOf, m3Data, normalizeM3, type M3Kinds } from './m3-values';
import { checkCompany, quoteFor, sampleStampForm, select, tableRead, type ReadState } from './m3-table-read';
import type { M3StampForms } from './m3-reader';

/**
 * List mode: the documented MI list (`CRS610MI/LstByNumber`) paged from an inclusive start key
 * (the repeated first row dropped by key; a short page ends it), with its changed-since input
 * (`LMTS`) in the stamp form the table shows. List rows carry no change stamp, so each page's stamps
 * come from one narrow EXPORTMI window over the same key range; a row changed in between is read
 * again next run.
 */
export async function* readM3List(
  context: HookContext,
  entity: string,
  source: M3Source,
  options: ReadOptions,
  stampForms: M3StampForms,
): AsyncIterable<ReadPage> {
  const list = source.list;
  if (!list) throw new AppError('E_INVALID_INPUT', `entitySources.${entity}: mode "list" needs a "list" transaction.`);
  // pageSize + 1 rows per call (a full answer means "more"), never beyond a silent server cap.
  const pageSize = Math.min(Math.max(2, options.pageSize ?? 1000), rowsPerCall(context.settings) - 1);
  const state: ReadState = {
    separators: String(context.settings.m3Separator ?? '').trim()
      ? [String(context.settings.m3Separator).trim()]
      : [...separatorCandidates],
    calls: 0,
    signal: options.signal,
  };
  const extras = [source.stamp, source.changeDate].filter((name): name is string => Boolean(name));
  // With a company chosen, the stamp rows (EXPORTMI) carry CONO and rows of another company are refused.
  const company = String(context.settings.m3Company ?? '').trim();
  const head = await tableRead(
    context,
    source.table,
    source.keys,
    source.keys,
    extras,
    options.signal,
    company || undefined,
  );
  state.calls += 1;
  const stampColumn = source.stamp ? head.keyChunk.find((column) => column.name === source.stamp) : undefined;
  const dateColumn = source.changeDate ? head.keyChunk.find((column) => column.name === source.changeDate) : undefined;
  let form = stampForms.get(source.table);
  if (stampColumn && form === undefined) {
    form = await sampleStampForm(context, head, stampColumn, dateColumn, state);
    stampForms.set(source.table, form);
  }
  const outputKinds = await listKinds(context, list.program, list.transaction, state);
  // A `fields` hint asks for just those outputs (and the paging key) with `returncols`.
  // The list's CONO output (CRS610MI and CRS620MI have one) is asked for too when a company is chosen:
  // every listed record is checked to be of that company.
  const checksCono = company !== '' && outputKinds.has('CONO');
  const returncols = options.fields
    ? [...new Set([list.key, ...options.fields, ...(checksCono ? ['CONO'] : [])])].filter((name) =>
        outputKinds.has(name),
      )
    : undefined;
  const keepsCono = !options.fields || options.fields.includes('CONO');
  const fields = options.fields ? [...new Set([...options.fields, list.key])].sort() : undefined;
  const input: Record<string, string> = { ...list.fixedInputs };
  const warnings: string[] = [];
  const probeBase: string[] = [];
  if (options.since) {
    if (form && stampColumn && list.stampInput) {
      // A second early: the input's meaning (>= or >) is unconfirmed (U2); the stamp window below decides.
      input[list.stampInput] = toM3Stamp(new Date(Date.parse(options.since) - 1000).toISOString(), form);
      probeBase.push(`${stampColumn.name} >= ${input[list.stampInput]}`);
    } else {
      warnings.push(
        `incremental sync not engaged for ${entity}: ${list.program}/${list.transaction} filters by ${list.stampInput ?? 'no stamp'}, whose form ${source.table} does not show; every run reads all records.`,
      );
    }
  }
  const keyColumn = head.keys[0]!;
  let ignoredNoted = false;
  let exportCompanyChecked = false;
  let reported = 0;
  let start = '';
  let previous: string | undefined;
  for (;;) {
    const result = await m3Execute(
      context,
      list.program,
      list.transaction,
      { ...input, ...(start ? { [list.start]: start } : {}) },
      { maxrecs: pageSize + 1, signal: options.signal, returncols },
    );
    state.calls += 1;
    const all = result.records.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.trim()])));
    if (checksCono)
      for (const row of all) {
        if (Number(row.CONO) !== Number(company))
          throw new AppError(
            'E_REMOTE',
            `M3 ${list.program}/${list.transaction} listed ${entity} ${row[list.key] ?? ''} of company ${row.CONO || '(none)'}, not ${company}: this tenant does not apply ;cono= to this call. Make ${company} the service account's default company in M3, or leave the company setting empty.`,
            { program: list.program, transaction: list.transaction, company, found: row.CONO ?? '' },
          );
        if (!keepsCono) delete row.CONO;
      }
    const full = all.length >= pageSize + 1;
    if (full && all[0]![list.key] === all[all.length - 1]![list.key])
      throw new AppError(
        'E_INFOR_M3_NONUNIQUE_KEY',
        `M3 ${list.program}/${list.transaction} returned a whole page for ${list.key} ${all[0]![list.key]}: the list cannot be paged by it.`,
      );
    const rows = all.filter((row) => previous === undefined || row[list.key] !== previous);
    let stamps = new Map<string, Record<string, string>>();
    if (rows.length > 0 && (stampColumn || dateColumn)) {
      if (head.company && !exportCompanyChecked) {
        // Stamps come from EXPORTMI by key range: of another company's table the ranges would come
        // back empty, not wrong. One row says which company EXPORTMI reads on this tenant.
        checkCompany(head, await select(context, source.table, head.keyChunk, undefined, 1, state));
        exportCompanyChecked = true;
      }
      const range = [
        ...probeBase,
        `${keyColumn.name} >= ${quoteFor(keyColumn, rows[0]![list.key] ?? '')}`,
        `${keyColumn.name} <= ${quoteFor(keyColumn, rows[rows.length - 1]![list.key] ?? '')}`,
      ];
      const found = await select(
        context,
        source.table,
        head.keyChunk,
        range.join(' and '),
        Math.min(pageSize + 2, rowsPerCall(context.settings)),
        state,
      );
      checkCompany(head, found);
      stamps = new Map(found.map((row) => [(row[keyColumn.name] ?? '').trim(), row]));
    }
    // A delta read keeps what the stamp window shows changed: a tenant that ignores the list's LMTS
    // input lists everything, and that is said once rather than synced again.
    const changed = probeBase.length > 0 ? rows.filter((row) => stamps.has(row[list.key] ?? '')) : rows;
    if (changed.length < rows.length && !ignoredNoted) {
      ignoredNoted = true;
      warnings.push(
        `${entity}: ${list.program}/${list.transaction} returned records not changed since ${options.since} (its ${list.stampInput} input is not applied on this tenant); they are left out, but every run lists all records. Table mode reads only the changed ones.`,
      );
    }
    const records = changed.map((row) => {
      const key = row[list.key] ?? '';
      const stamped = { ...(stamps.get(key) ?? {}) };
      const record = normalizeM3(source, { ...stamped }, form ?? undefined, head.kinds);
      return {
        key,
        stamp: record.stamp,
        data: m3Data(row, form ?? undefined, outputKinds, key),
        raw: row,
        ...(fields ? { fields } : {}),
      } satisfies SourceRecord;
    });
    const page: ReadPage = { records, calls: state.calls };
    if (warnings.length > reported) page.warnings = warnings.slice(reported);
    reported = warnings.length;
    state.calls = 0;
    if (records.length > 0 || page.warnings) yield page;
    if (!full) return;
    previous = all[all.length - 1]![list.key];
    start = previous ?? '';
  }
}

/** A list transaction's outputs as MRS001MI describes them (as the list-mode schema does), so numbers read as numbers. */
async function listKinds(
  context: HookContext,
  program: string,
  transaction: string,
  state: ReadState,
): Promise<M3Kinds> {
  const result = await m3Execute(
    context,
    'MRS001MI',
    'LstFields',
    { MINM: program, TRNM: transaction, TRTP: 'O' },
    { maxrecs: 0, signal: state.signal },
  );
  state.calls += 1;
  return kindsOf(
    result.records.map((row) => ({
      name: (row.FLNM ?? '').trim(),
      type: (row.TYPE ?? '').trim() === 'N' ? ('N' as const) : ('A' as const),
      length: Number((row.LENG ?? '').trim()) || 0,
    })),
  );
}
