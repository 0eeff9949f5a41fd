import catalogueJson from './catalogue.json';
import type { M3Column } from './m3-tables';
import { pps370Catalogue } from './m3-purchase-write';

/**
 * The real M3 MI transactions the sandbox knows: `catalogue.json` is a compact copy of
 * `fixtures/infor/m3-mi-catalogue.json` (refreshed by `scripts/infor-catalogue.mjs`), whose facts
 * come from the C# catalogue GaryWayneSmith/M3H5 generated from real M3 MI metadata (Apache-2.0,
 * M3H5Lib.Api/*Resource.cs). A program or transaction outside it does not exist here, exactly as
 * on a tenant that lacks it.
 */
interface CatalogueEntry {
  /** Description. */
  d: string;
  /** Inputs: [name, required 1/0]. */
  i: Array<[string, number]>;
  /** Outputs: [name, type, length, description]. */
  o: Array<[string, string, number, string]>;
}

const programs: Record<string, Record<string, CatalogueEntry>> = {
  ...(catalogueJson as unknown as { programs: Record<string, Record<string, CatalogueEntry>> }).programs,
  // PPS370MI (purchase order batch entry) is missing from the compact copy; M3H5 has it (m3-purchase-write.ts).
  PPS370MI: pps370Catalogue,
};

export interface CatalogueTransaction {
  program: string;
  name: string;
  description: string;
  inputs: Array<{ name: string; required: boolean }>;
  outputs: M3Column[];
}

export function catalogueTransaction(program: string, name: string): CatalogueTransaction | undefined {
  const entry = programs[program]?.[name];
  if (!entry) return undefined;
  return {
    program,
    name,
    description: entry.d,
    inputs: entry.i.map(([input, required]) => ({ name: input, required: required === 1 })),
    outputs: entry.o.map(([output, type, length, description]) => ({
      name: output,
      type: type === 'N' || type === 'D' ? type : 'A',
      length,
      description,
    })),
  };
}

export function catalogueOutputs(program: string, name: string): M3Column[] {
  const found = catalogueTransaction(program, name);
  if (!found) throw new Error(`The M3 catalogue has no ${program}/${name}`);
  return found.outputs;
}

export function catalogueHasProgram(program: string): boolean {
  return program in programs;
}

export function cataloguePrograms(): string[] {
  return Object.keys(programs).sort();
}

export function catalogueTransactions(program: string): string[] {
  return Object.keys(programs[program] ?? {});
}
