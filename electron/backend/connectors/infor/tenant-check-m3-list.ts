import { parseM3Stamp } from './infor-formats';
import { m3Execute } from './m3-api';
import type { M3CheckTools } from './tenant-check-m3-tools';
import { refusal, type Probe, type ProbeOutcome } from './tenant-check-probe';

/** M3 probes through MI list transactions (plan U2, U10, U13): unknown transactions and list mode. */
export function m3ListProbes(tools: M3CheckTools): Probe[] {
  const { context, source, table, sample, formOf } = tools;
  return [
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
