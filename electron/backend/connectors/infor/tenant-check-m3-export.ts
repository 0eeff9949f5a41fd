import { AppError } from '../../../../shared/errors';
import type { M3StampForm } from './infor-formats';
import { m3Execute } from './m3-api';
import { exportColumns, maxRowsPerCall, replLength, splitLine } from './m3-export';
import { select } from './m3-table-read';
import type { M3CheckTools } from './tenant-check-m3-tools';
import { refusal, type Probe } from './tenant-check-probe';

/** The most rows a cap probe reads in one call: beyond this a cap is left `unknown` (too costly to see). */
const capProbeRows = 500;

const formNames: Record<M3StampForm, string> = {
  epochMillis: '13-digit epoch milliseconds',
  ymdHmsMs17: 'yyyyMMddHHmmssSSS',
  ymdHms14: 'yyyyMMddHHmmss',
};

/** REPL as sent, without its right padding. */
const text = (line: string) => line.trimEnd();

/** M3 probes through EXPORTMI (plan U1, U3, U5, U8, U9, metadata). */
export function m3ExportProbes(tools: M3CheckTools): Probe[] {
  const { context, source, table, state, keys, sample, formOf } = tools;
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
  ];
}
