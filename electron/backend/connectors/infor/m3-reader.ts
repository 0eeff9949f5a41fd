import type { ReadOptions, ReadPage } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { rowsPerCall, separatorCandidates, stripPrefix } from './m3-export';
import { detectM3StampForm, toM3Date, toM3Stamp, type M3StampForm } from './infor-formats';
import type { M3Source } from './infor-sources';
import { normalizeM3, type M3Kinds } from './m3-values';
import { fieldsRead, quoteFor, readTable, sampleOf, sampleStampForm, tableRead, type ReadState } from './m3-table-read';
import { readM3List } from './m3-list-read';

/** What a connector remembers between reads: each table's LMTS form once recognised (`null`: none fits). */
export type M3StampForms = Map<string, M3StampForm | null>;

/**
 * Reads an M3 table through EXPORTMI in key windows (see `m3-export.ts`): explicit column chunks that
 * fit 984 characters, joined by key; every line's value count checked; no `order by`. Incremental
 * reads filter on the stamp in the form the data shows, else on the change date with a look-back,
 * and say so in the page's warnings when the stamp is not used.
 */
export async function* readM3(
  context: HookContext,
  entity: string,
  source: M3Source,
  options: ReadOptions,
  stampForms: M3StampForms = new Map(),
): AsyncIterable<ReadPage> {
  if (source.mode === 'list') {
    yield* readM3List(context, entity, source, options, stampForms);
    return;
  }
  const pageSize = Math.max(2, options.pageSize ?? 1000);
  const configured = String(context.settings.m3Separator ?? '').trim();
  const state: ReadState = {
    // A separator the user chose is the only one used; otherwise rare characters are tried in turn.
    separators: configured ? [configured] : [...separatorCandidates],
    calls: 0,
    signal: options.signal,
  };
  const extras = [source.stamp, source.changeDate].filter((name): name is string => Boolean(name));
  const head = await tableRead(
    context,
    source.table,
    source.keys,
    source.columns,
    extras,
    options.signal,
    context.settings.m3Company,
    options.fields,
  );
  state.calls += 1;
  // Lines are read only when the caller uses them (or gave no hint).
  const lines = source.lines && (!options.fields || options.fields.includes('lines')) ? source.lines : undefined;
  const warnings: string[] = [];
  const base: string[] = [];
  let form = stampForms.get(source.table);
  const stampColumn = source.stamp ? head.keyChunk.find((column) => column.name === source.stamp) : undefined;
  const dateColumn = source.changeDate ? head.keyChunk.find((column) => column.name === source.changeDate) : undefined;
  if (options.since) {
    if (stampColumn && form === undefined) {
      form = await sampleStampForm(context, head, stampColumn, dateColumn, state);
      stampForms.set(source.table, form);
    }
    if (stampColumn && form) {
      base.push(`${stampColumn.name} >= ${toM3Stamp(options.since, form)}`);
    } else if (dateColumn) {
      const days = lookbackDays(context.settings.m3LookbackDays);
      const from = toM3Date(new Date(Date.parse(options.since) - days * 86_400_000).toISOString());
      base.push(`${dateColumn.name} >= ${from}`);
      warnings.push(
        `${entity}: the change stamp ${source.stamp ?? '(none)'} is in no recognised form; reading records changed since ${from} by ${dateColumn.name} (${days}-day look-back) instead.`,
      );
    } else {
      warnings.push(
        `incremental sync not engaged for ${entity}: ${source.table} has no recognised change stamp or change date; every run reads all records.`,
      );
    }
  }
  // What each record holds when the read was narrowed (one array for the whole read): every hinted
  // name the table has, at any depth, and what the connector read for itself.
  const fields = options.fields ? fieldsRead(head, [...options.fields]) : undefined;
  let first = true;
  const page = async (window: Array<Record<string, string>>): Promise<ReadPage> => {
    if (stampColumn && form === undefined) {
      form = detectM3StampForm(sampleOf(window, stampColumn, dateColumn)) ?? null;
      stampForms.set(source.table, form);
    }
    const linesByParent = new Map<string, Array<Record<string, string>>>();
    let lineKinds: M3Kinds | undefined;
    if (lines && window.length > 0) {
      const lineRead = await tableRead(
        context,
        lines.table,
        lines.keys,
        lines.columns,
        [],
        options.signal,
        context.settings.m3Company,
        // The link to the head is read whatever the hint names.
        options.fields ? [...options.fields, stripPrefix(lines.link)] : undefined,
      );
      lineKinds = lineRead.kinds;
      const link = lineRead.keys.find((column) => column.name === lines.link) ?? lineRead.keyChunk[0]!;
      const parentKey = source.keys[0]!;
      const parents = window.map((row) => row[parentKey] ?? '');
      const range = [
        `${link.name} >= ${quoteFor(link, parents[0]!)}`,
        `${link.name} <= ${quoteFor(link, parents[parents.length - 1]!)}`,
      ];
      // Lines in windows as large as a call may be (one usually covers a whole page of heads).
      for await (const lineRows of readTable(context, lineRead, range, rowsPerCall(context.settings), state)) {
        for (const row of lineRows) {
          const parent = (row[lines.link] ?? '').trim();
          if (!linesByParent.has(parent)) linesByParent.set(parent, []);
          linesByParent.get(parent)!.push(row);
        }
      }
    }
    const records = window.map((row) =>
      normalizeM3(
        source,
        row,
        form ?? undefined,
        head.kinds,
        lines && lineKinds
          ? { rows: linesByParent.get((row[source.keys[0]!] ?? '').trim()) ?? [], kinds: lineKinds }
          : undefined,
        fields,
      ),
    );
    const done: ReadPage = { records, calls: state.calls };
    if (first && warnings.length > 0) done.warnings = warnings;
    first = false;
    state.calls = 0;
    return done;
  };
  // Windows hold at most pageSize rows (maxrecs pageSize + 1: a short answer is a whole window);
  // consecutive windows, in key order, are cut into pages of pageSize.
  const buffer: Array<Record<string, string>> = [];
  for await (const window of readTable(
    context,
    head,
    base,
    Math.min(pageSize + 1, rowsPerCall(context.settings)),
    state,
  )) {
    buffer.push(...window);
    while (buffer.length >= pageSize) yield await page(buffer.splice(0, pageSize));
  }
  if (buffer.length > 0 || (first && warnings.length > 0)) yield await page(buffer);
}

function lookbackDays(value: unknown): number {
  const days = Number(value ?? 1);
  return Number.isFinite(days) && days >= 0 ? days : 1;
}
