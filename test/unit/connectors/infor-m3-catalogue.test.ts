import { describe, expect, it } from 'vitest';
import { defaultSources, type M3Source } from '../../../electron/backend/connectors/infor/infor-sources';
import { m3SourceSchema } from '../../../electron/backend/connectors/infor/infor-sources';
import { readJsonFixture } from '../../support/paths';
import simulatorCatalogue from '../../../sandbox/infor/m3/catalogue.json';

/**
 * The M3 transactions and keys the connector relies on exist in real M3 (the MI catalogue generated
 * from real metadata, fixtures/infor/m3-mi-catalogue.json), and the simulator answers exactly that
 * catalogue.
 */
interface Catalogue {
  programs: Record<
    string,
    Record<
      string,
      {
        description: string;
        inputs: Array<{ name: string; required: boolean }>;
        outputs: Array<{ name: string; type: string; length: number; description: string }>;
      }
    >
  >;
}
const catalogue = readJsonFixture<Catalogue>('infor', 'm3-mi-catalogue.json');
const transaction = (program: string, name: string) => catalogue.programs[program]?.[name];
const sources = Object.entries(defaultSources.m3).map(
  ([entity, input]) => [entity, m3SourceSchema.parse(input)] as [string, M3Source],
);
const strip = (column: string) => column.slice(2);

describe('M3 catalogue', () => {
  it('the simulator carries exactly the fixture catalogue (names, required inputs, output types and lengths)', () => {
    const compact = Object.fromEntries(
      Object.entries(catalogue.programs).map(([program, transactions]) => [
        program,
        Object.fromEntries(
          Object.entries(transactions).map(([name, entry]) => [
            name,
            {
              d: entry.description,
              i: entry.inputs.map((input) => [input.name, input.required ? 1 : 0]),
              o: entry.outputs.map((output) => [output.name, output.type, output.length, output.description]),
            },
          ]),
        ),
      ]),
    );
    expect((simulatorCatalogue as { programs: unknown }).programs).toEqual(compact);
  });

  it('the transactions the old defaults named do not exist; the real ones do', () => {
    expect(transaction('PPS200MI', 'LstHead')).toBeUndefined();
    expect(transaction('ARS200MI', 'LstInvoice')).toBeUndefined();
    expect(transaction('CRS630MI', 'LstAccounts')).toBeUndefined();
    expect(transaction('ARS200MI', 'LstInvoices')).toBeDefined();
    expect(transaction('CRS630MI', 'LstAccountID')?.inputs.find((input) => input.name === 'AITP')?.required).toBe(true);
  });

  it.each(sources)(
    '%s: every transaction exists, its keys are among its outputs, its inputs are supplied',
    (_entity, source) => {
      if (source.program && source.transaction) {
        const found = transaction(source.program, source.transaction);
        expect(found, `${source.program}/${source.transaction}`).toBeDefined();
        const outputs = found!.outputs.map((output) => output.name);
        // Each key column of the table is an output of the entity's transaction (DIVI comes from LstInvByDivi for FSLEDG).
        const divisionList = transaction('ARS200MI', 'LstInvByDivi')!.outputs.map((output) => output.name);
        for (const key of source.keys.map(strip))
          expect(outputs.includes(key) || (source.table === 'FSLEDG' && divisionList.includes(key)), key).toBe(true);
      }
      if (source.lines?.transaction) {
        const found = transaction(source.program!, source.lines.transaction);
        expect(found, `${source.program}/${source.lines.transaction}`).toBeDefined();
        const outputs = found!.outputs.map((output) => output.name);
        // The parent key (the link) is the list's input; the rest of the line key comes back per line.
        const link = strip(source.lines.link);
        expect(found!.inputs.find((input) => input.name === link)?.required).toBe(true);
        for (const key of source.lines.keys.map(strip).filter((key) => key !== link))
          expect(outputs, key).toContain(key);
      }
      if (source.list) {
        const found = transaction(source.list.program, source.list.transaction);
        expect(found).toBeDefined();
        const inputs = found!.inputs.map((input) => input.name);
        expect(inputs).toContain(source.list.start);
        if (source.list.stampInput) expect(inputs).toContain(source.list.stampInput);
        expect(found!.outputs.map((output) => output.name)).toContain(source.list.key);
        const supplied = new Set([source.list.start, ...Object.keys(source.list.fixedInputs)]);
        for (const input of found!.inputs) if (input.required) expect(supplied, input.name).toContain(input.name);
      }
      // LMTS, where a transaction has it, is N18 (never assume 17 digits).
      for (const program of Object.values(catalogue.programs))
        for (const entry of Object.values(program))
          for (const output of entry.outputs)
            if (output.name === 'LMTS') expect([output.type, output.length]).toEqual(['N', 18]);
    },
  );
});
