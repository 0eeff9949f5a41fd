import { AppError } from '../../../../shared/errors';
import type { HookContext } from '../framework/hooks';
import { detectM3StampForm, parseM3Stamp, type M3StampForm } from './infor-formats';
import { resolveSources, type M3Source } from './infor-sources';
import { m3Execute } from './m3-api';
import {
  exportColumns,
  maxRowsPerCall,
  replLength,
  separatorCandidates,
  splitLine,
  type ExportColumn,
} from './m3-export';
import { select, type ReadState } from './m3-reader';
import { refusal, type Probe, type ProbeOutcome } from './tenant-check-probe';

/** The most rows a cap probe reads in one call: beyond this a cap is left `unknown` (too costly to see). */
const capProbeRows = 500;

const formNames: Record<M3StampForm, string> = {
  epochMillis: '13-digit epoch milliseconds',
  ymdHmsMs17: 'yyyyMMddHHmmssSSS',
  ymdHms14: 'yyyyMMddHHmmss',
};

/**
 * M3 probes (plan U1–U3, U5, U8–U10, U13, metadata). They read the customers source's table
 * (`OCUSMA` unless `entitySources` says otherwise) through the reader's own EXPORTMI functions, so
 * what is confirmed is what a read does.
 */
export function m3Probes(context: HookContext): Probe[] {
  const source = resolveSources('m3', context.settings.entitySources).customers as M3Source | undefined;
  if (!source) throw new AppError('E_INVALID_INPUT', 'Infor M3: the tenant check needs a customers source.');
  const table = source.table;
  const state = (signal: AbortSignal): ReadState => ({ separators: [...separatorCandidates], calls: 0, signal });
  const column = async (name: string | undefined, signal: AbortSignal) =>
    name ? (await exportColumns(context, table, signal)).find((candidate) => candidate.name === name) : undefined;
  const keys = async (signal: AbortSignal) => {
    const found = await Promise.all(source.keys.map((key) => column(key, signal)));
    if (found.some((key) => !key))
      throw new AppError('E_REMOTE', `M3 ${table} lacks a key column of ${source.keys.join(', ')}.`);
    return found as ExportColumn[];
  };
  const text = (line: string) => line.trimEnd();
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

  return [
    {
      id: 'm3.metadata',
      title: 'Metadata: EXPORTMI/LstFields and MRS001MI/LstFields answer',
      async run(signal) {
        const columns = await m3Execute(context, 'EXPORTMI', 'LstFields', { FILE: table }, { maxrecs: 0, signal });
        const list = source.list ?? {
          program: source.program ?? 'CRS610MI',
          transaction: source.transaction ?? 'LstByNumber',
        };
        const fields = await m3Execute(
          context,
          'MRS001MI',
          'LstFields',
          { MINM: list.program, TRNM: list.transaction, TRTP: 'O' },
          { maxrecs: 0, signal },
        );
        const ok = columns.records.length > 0 && fields.records.length > 0;
        return {
          status: ok ? 'confirmed' : 'differs',
          observed: `EXPORTMI/LstFields lists ${columns.records.length} columns of ${table}; MRS001MI/LstFields lists ${fields.records.length} outputs of ${list.program}/${list.transaction}${ok ? '' : ': schemas need both'}.`,
        };
      },
    },
    {
      id: 'm3.sepc',
      title: 'EXPORTMI/Select: values joined by SEPC, never quoted',
      async run(signal) {
        const key = await keys(signal);
        const all = await exportColumns(context, table, signal);
        // Long text columns are where a separator turns up (names, e-mail addresses).
        const texts = all
          .filter(
            (candidate) => candidate.type === 'A' && candidate.length >= 30 && !source.keys.includes(candidate.name),
          )
          .sort((a, b) => Number(/MAIL/.test(b.name)) - Number(/MAIL/.test(a.name)))
          .slice(0, 3);
        const columns = [...key, ...texts];
        const query = `${columns.map((one) => one.name).join(',')} from ${table}`;
        const raw = await m3Execute(
          context,
          'EXPORTMI',
          'Select',
          { QERY: query, SEPC: ';', HDRS: '0' },
          { maxrecs: 5, signal },
        );
        const lines = raw.records.map((record) => text(record.REPL ?? ''));
        const split = lines.filter((line) => !splitLine(line, ';', columns.length)).length;
        const configured = String(context.settings.m3Separator ?? '').trim();
        const read = state(signal);
        if (configured) read.separators = [configured];
        try {
          await select(context, table, columns, undefined, 5, read);
        } catch (error) {
          if (error instanceof AppError && error.code === 'E_INFOR_M3_AMBIGUOUS_ROW')
            return {
              status: 'differs',
              observed: `No separator of ${read.separators.join(' ')} splits every sampled row of ${table}: choose an m3Separator the data never holds.`,
            };
          throw error;
        }
        const used = read.separators[0]!;
        return {
          status: 'confirmed',
          observed: `${split} of ${lines.length} sampled rows hold ';' inside a value (no quoting); '${used}' splits them all, and every line's value count is checked.`,
          ...(configured ? { setting: { key: 'm3Separator', value: configured } } : {}),
        };
      },
    },
    {
      id: 'm3.replWidth',
      title: `EXPORTMI REPL is at most ${replLength} characters`,
      async run(signal) {
        const names = (await exportColumns(context, table, signal)).length;
        try {
          const raw = await m3Execute(
            context,
            'EXPORTMI',
            'Select',
            { QERY: `* from ${table}`, SEPC: ';', HDRS: '1' },
            { maxrecs: 1, signal },
          );
          const header = text(raw.records[0]?.REPL ?? '');
          const shown = header.split(';').length;
          if (header.length >= replLength && shown < names)
            return {
              status: 'confirmed',
              observed: `'* from ${table}' is cut silently at ${header.length} characters (${shown} of ${names} column names); reads ask for column chunks that fit.`,
            };
          return {
            status: 'unknown',
            observed: `'* from ${table}' fit in ${header.length} characters; reads ask for column chunks that fit ${replLength} anyway.`,
          };
        } catch (error) {
          const refused = refusal(error);
          if (!refused) throw error;
          return {
            status: 'differs',
            observed: `A line over ${replLength} characters is refused, not cut (${refused.message}); reads ask for column chunks that fit.`,
          };
        }
      },
    },
    {
      id: 'm3.lmtsForm',
      title: 'LMTS change stamp form',
      async run(signal) {
        const rows = await sample(signal);
        if (rows.length === 0)
          return { status: 'unknown', observed: `${table} has no rows (or no stamp column) to look at.` };
        const form = formOf(rows);
        const example = rows[0]![source.stamp!] ?? '';
        if (!form)
          return {
            status: 'differs',
            observed: `${source.stamp} (e.g. '${example}') matches no known form: delta reads use ${source.changeDate} with a look-back of m3LookbackDays and say so.`,
          };
        return {
          status: form === 'epochMillis' ? 'confirmed' : 'differs',
          observed: `${source.stamp} is ${formNames[form]} (e.g. '${example}', ${rows.length} rows agree with ${source.changeDate}); delta reads filter on it (detected from the data).`,
        };
      },
    },
    {
      id: 'm3.orderBy',
      title: "'order by' in an EXPORTMI query (information only)",
      async run(signal) {
        const key = (await keys(signal))[0]!;
        // Ordered by a text column, not the key: a stock table's physical order is often its key order.
        const by = (await exportColumns(context, table, signal)).find(
          (candidate) => candidate.type === 'A' && candidate.length >= 10 && !source.keys.includes(candidate.name),
        );
        if (!by) return { status: 'unknown', observed: `${table} has no text column to order by.` };
        const query = `${key.name},${by.name} from ${table}`;
        // The key never holds '~'; whatever follows the first one is the value ordered by.
        const values = (rows: Array<Record<string, string>>) =>
          rows.map((row) => (row.REPL ?? '').slice((row.REPL ?? '').indexOf('~') + 1).trim());
        const read = (text: string) =>
          m3Execute(context, 'EXPORTMI', 'Select', { QERY: text, SEPC: '~', HDRS: '0' }, { maxrecs: 50, signal });
        const plain = values((await read(query)).records);
        let ordered: string[];
        try {
          ordered = values((await read(`${query} order by ${by.name}`)).records);
        } catch (error) {
          const refused = refusal(error);
          if (!refused) throw error;
          return { status: 'differs', observed: `'order by' is refused (${refused.message}); reads never use it.` };
        }
        // M3's collation may ignore case: either order counts as sorted.
        const sorted = (list: string[]) =>
          [(a: string, b: string) => a <= b, (a: string, b: string) => a.toUpperCase() <= b.toUpperCase()].some((le) =>
            list.every((value, index) => index === 0 || le(list[index - 1]!, value)),
          );
        if (sorted(plain))
          return {
            status: 'unknown',
            observed: `Rows already come in ${by.name} order without 'order by'; reads never depend on order.`,
          };
        if (sorted(ordered))
          return { status: 'differs', observed: `'order by ${by.name}' is honoured; reads never use it.` };
        return {
          status: 'confirmed',
          observed: `'order by' is ignored: rows come in the same physical order either way; reads never depend on order.`,
        };
      },
    },
    {
      id: 'm3.maxrecsCap',
      title: 'Server cap on maxrecs',
      async run(signal) {
        let count: number;
        try {
          const counted = await m3Execute(
            context,
            'EXPORTMI',
            'Select',
            { QERY: `count(#) from ${table}`, SEPC: ';', HDRS: '0' },
            { maxrecs: 1, signal },
          );
          count = Number((counted.records[0]?.REPL ?? '').trim());
        } catch (error) {
          if (!refusal(error)) throw error;
          return {
            status: 'unknown',
            observed: `count(#) is refused, so a cap cannot be seen cheaply; reads ask for at most ${maxRowsPerCall} rows per call.`,
          };
        }
        if (!Number.isInteger(count) || count < 2 || count > capProbeRows)
          return {
            status: 'unknown',
            observed: `${table} holds ${Number.isFinite(count) ? count : '?'} rows: a cap could only be seen by reading more than ${capProbeRows}; reads ask for at most ${maxRowsPerCall} rows per call.`,
          };
        const key = (await keys(signal))[0]!;
        const all = await m3Execute(
          context,
          'EXPORTMI',
          'Select',
          { QERY: `${key.name} from ${table}`, SEPC: ';', HDRS: '0' },
          { maxrecs: 0, signal },
        );
        const got = all.records.length;
        if (got < count)
          return {
            status: 'differs',
            observed: `maxrecs=0 returned ${got} of ${table}'s ${count} rows: the tenant caps a call at ${got} rows; reads ask for at most that many.`,
            ...(got >= 3 ? { setting: { key: 'm3MaxRecs', value: String(got) } } : {}),
          };
        return {
          status: 'unknown',
          observed: `No cap up to ${count} rows (all of ${table}); reads ask for at most ${maxRowsPerCall} rows per call.`,
        };
      },
    },
    {
      id: 'm3.cono',
      title: 'EXPORTMI reads the company sent as ;cono=',
      async run(signal) {
        const conoName = `${source.keys[0]!.slice(0, 2)}CONO`;
        const raw = await m3Execute(
          context,
          'EXPORTMI',
          'Select',
          { QERY: `${conoName} from ${table}`, SEPC: ';', HDRS: '0' },
          { maxrecs: 1, signal },
        );
        const found = (raw.records[0]?.REPL ?? '').trim();
        const wanted = String(context.settings.m3Company ?? '').trim();
        if (!found) return { status: 'unknown', observed: `${table} has no row to show its company.` };
        if (!wanted)
          return {
            status: 'unknown',
            observed: `No company set: reads use the user's default company ${found}. Set m3Company and check again to confirm ;cono= is honoured.`,
          };
        if (Number(found) === Number(wanted))
          return {
            status: 'confirmed',
            observed: `Rows come from company ${found}, as sent.`,
            setting: { key: 'm3Company', value: wanted },
          };
        return {
          status: 'differs',
          observed: `Asked for company ${wanted}, EXPORTMI read company ${found}: this tenant reads only the user's default company. Make ${wanted} the service account's default, or leave m3Company empty.`,
        };
      },
    },
    {
      id: 'm3.unknownTransaction',
      title: 'How an unknown transaction is refused',
      async run(signal) {
        const program = source.list?.program ?? source.program ?? 'CRS610MI';
        const listed = await m3Execute(
          context,
          'MRS001MI',
          'LstTransactions',
          { MINM: program },
          { maxrecs: 0, signal },
        );
        const names = listed.records.map((row) => (row.TRNM ?? '').trim());
        const transaction = source.list?.transaction ?? source.transaction;
        const existence = transaction
          ? `MRS001MI/LstTransactions ${names.includes(transaction) ? 'lists' : 'does not list'} ${program}/${transaction}`
          : `MRS001MI/LstTransactions lists ${names.length} transactions of ${program}`;
        try {
          await m3Execute(context, program, 'LstNoSuchTrans', {}, { maxrecs: 1, signal });
          return { status: 'differs', observed: `${program}/LstNoSuchTrans answered without an error; ${existence}.` };
        } catch (error) {
          const refused = refusal(error);
          if (!refused) throw error;
          const form =
            refused.status === 400 && !refused.type
              ? 'a bare HTTP 400'
              : refused.status === 400
                ? `HTTP 400 with errorType ${refused.type}`
                : `HTTP ${refused.status ?? '?'} with a NOK (${refused.type ?? 'no type'})`;
          const outcome: ProbeOutcome = {
            status: form === 'a bare HTTP 400' ? 'confirmed' : 'differs',
            observed: `An unknown transaction gets ${form}; ${existence}. The connector reads every form as an error.`,
          };
          return outcome;
        }
      },
    },
    {
      id: 'm3.listStart',
      title: 'List mode: the start key returns its own row',
      async run(signal) {
        const list = source.list;
        if (!list) return { status: 'unknown', observed: 'The customers source has no list transaction.' };
        const first = await m3Execute(
          context,
          list.program,
          list.transaction,
          { ...list.fixedInputs },
          { maxrecs: 2, signal },
        );
        const second = first.records[1]?.[list.key]?.trim();
        if (!second)
          return { status: 'unknown', observed: `${list.program}/${list.transaction} lists fewer than two rows.` };
        const again = await m3Execute(
          context,
          list.program,
          list.transaction,
          { ...list.fixedInputs, [list.start]: second },
          { maxrecs: 1, signal },
        );
        const inclusive = again.records[0]?.[list.key]?.trim() === second;
        return {
          status: inclusive ? 'confirmed' : 'differs',
          observed: inclusive
            ? `${list.start}=${second} starts at ${second} itself (inclusive): list mode drops the repeated row by key.`
            : `${list.start}=${second} starts after ${second} (exclusive): list mode reads on from there either way.`,
        };
      },
    },
    {
      id: 'm3.lmtsInput',
      title: 'List mode: the LMTS input means changed at or after',
      async run(signal) {
        const list = source.list;
        if (!list?.stampInput)
          return { status: 'unknown', observed: 'The customers source has no list transaction with a stamp input.' };
        const rows = await sample(signal);
        const form = formOf(rows);
        if (!form)
          return {
            status: 'unknown',
            observed: `${source.stamp}'s form is not recognised, so the input cannot be tried.`,
          };
        const key = source.keys[0]!;
        const stamped = rows
          .map((row) => ({ key: (row[key] ?? '').trim(), stamp: (row[source.stamp!] ?? '').trim() }))
          .map((row) => ({ ...row, at: Date.parse(parseM3Stamp(row.stamp, form) ?? '') }))
          .filter((row) => Number.isFinite(row.at))
          .sort((a, b) => a.at - b.at);
        const oldest = stamped[0];
        const newest = stamped[stamped.length - 1];
        if (!oldest || !newest || oldest.at === newest.at)
          return { status: 'unknown', observed: `The sample of ${table} holds no two different stamps.` };
        const firstAt = async (start: string) =>
          (
            await m3Execute(
              context,
              list.program,
              list.transaction,
              { ...list.fixedInputs, [list.start]: start, [list.stampInput!]: newest.stamp },
              { maxrecs: 1, signal },
            )
          ).records[0]?.[list.key]?.trim();
        const itself = (await firstAt(newest.key)) === newest.key;
        const older = (await firstAt(oldest.key)) === oldest.key;
        if (older)
          return {
            status: 'differs',
            observed: `${list.stampInput} is ignored (an older row still listed): list-mode delta reads keep only what the stamp window shows changed, and warn.`,
          };
        return itself
          ? {
              status: 'confirmed',
              observed: `${list.stampInput}=${newest.stamp} lists the row with that stamp and leaves older ones out (>=).`,
            }
          : {
              status: 'differs',
              observed: `${list.stampInput}=${newest.stamp} leaves out the row with that very stamp (>): list mode sends the input a second early.`,
            };
      },
    },
  ];
}
