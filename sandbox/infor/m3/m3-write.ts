import type { M3Column, M3Table } from './m3-tables';
import { m3Tables } from './m3-tables';

/**
 * M3 writes the sandbox accepts (issue 16): customers through CRS610MI Add/ChgBasicData, suppliers
 * through CRS620MI AddSupplier/CopyTemplate/UpdSupplier. Inputs, and which are mandatory, are the
 * real catalogue's (M3H5, `catalogue.json`); their types and lengths are the OCUSMA/CIDMAS columns
 * they write (the catalogue gives no input lengths). A write lands in the dataset's overlay
 * (`InforData.writeParty`): every later read — MI Get/Lst, EXPORTMI, the CSI/LN/FSM views — shows it
 * with a new change stamp.
 *
 * Refusals, in M3's order: a missing mandatory input (MandatoryInputFieldNotFound), a value longer
 * than its column (InputFieldTooLong), then a value of the wrong kind, then the data checks: Add of
 * an existing key → XRE0104 "Record already exists", Chg/Upd of a missing key → XRE0103 "Record
 * does not exist" (codes seen on real tenants, API-FACTS §1.4). How M3 words a non-numeric or
 * invalid date input, and what it answers for an unknown template, no public source shows
 * (unconfirmed): behaviour.ts switches both (`m3WriteKindCheck`, `m3UnknownTemplate`).
 */
export interface M3WriteSpec {
  entity: 'customers' | 'suppliers';
  table: M3Table;
  /** Key input (CUNO / SUNO). */
  key: string;
  kind: 'add' | 'change' | 'copy';
  /** The input naming the template (CRS610MI/Add CUTM, CRS620MI/CopyTemplate STEM). */
  template?: string;
}

const ocusma = m3Tables.OCUSMA as M3Table;
const cidmas = m3Tables.CIDMAS as M3Table;

export const m3WriteSpecs: Record<string, M3WriteSpec> = {
  'CRS610MI/Add': { entity: 'customers', table: ocusma, key: 'CUNO', kind: 'add', template: 'CUTM' },
  'CRS610MI/ChgBasicData': { entity: 'customers', table: ocusma, key: 'CUNO', kind: 'change' },
  'CRS620MI/AddSupplier': { entity: 'suppliers', table: cidmas, key: 'SUNO', kind: 'add' },
  'CRS620MI/CopyTemplate': { entity: 'suppliers', table: cidmas, key: 'SUNO', kind: 'copy', template: 'STEM' },
  'CRS620MI/UpdSupplier': { entity: 'suppliers', table: cidmas, key: 'SUNO', kind: 'change' },
};

/** Inputs that are not columns of the table written: templates (A10, as a CUNO/SUNO) and company/division. */
const nonColumnInputs: Record<string, M3Column> = {
  CUTM: { name: 'CUTM', type: 'A', length: 10, description: 'Customer template' },
  STEM: { name: 'STEM', type: 'A', length: 10, description: 'Supplier template' },
  OPYC: { name: 'OPYC', type: 'N', length: 1, description: 'Copy option' },
  CONO: { name: 'CONO', type: 'N', length: 3, description: 'Company' },
  DIVI: { name: 'DIVI', type: 'A', length: 3, description: 'Division' },
};

/** The column an input of a write transaction is checked against; undefined when the sandbox does not know it. */
export function writeInputColumn(spec: M3WriteSpec, input: string): M3Column | undefined {
  return nonColumnInputs[input] ?? spec.table.columns.find((column) => column.name === input);
}

/**
 * Templates a new customer or supplier is created from (M3 copies the template's settings; the
 * inputs then override them). Sandbox data: CRS610MI/LstTemplates lists the customer ones.
 */
export const m3CustomerTemplates: Record<string, { name: string; columns: Record<string, string> }> = {
  TMPLDOM: {
    name: 'Domestic customer template',
    columns: { CUTP: '0', STAT: '20', CUCD: 'EUR', LNCD: 'GB', TEPY: '030', CSCD: 'NL', CUCL: 'DOM' },
  },
  TMPLEXP: {
    name: 'Export customer template',
    columns: { CUTP: '0', STAT: '20', CUCD: 'USD', LNCD: 'GB', TEPY: '060', CSCD: 'US', CUCL: 'EXP' },
  },
};

export const m3SupplierTemplates: Record<string, { name: string; columns: Record<string, string> }> = {
  TMPLSUP: {
    name: 'Standard supplier template',
    columns: { SUTY: '0', STAT: '20', CUCD: 'EUR', LNCD: 'GB', TEPY: '030', CSCD: 'NL' },
  },
};

/** Columns a write never sets directly: the key (set by the call), company and the audit stamps. */
const notWritable = new Set(['CONO', 'DIVI', 'RGDT', 'LMDT', 'CHNO', 'CHID', 'LMTS']);

/** The table columns a write's inputs set (template and company inputs are not columns). */
export function writtenColumns(spec: M3WriteSpec, input: Record<string, string>): Record<string, string> {
  const columns: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    if (name === spec.key || notWritable.has(name) || name in nonColumnInputs) continue;
    if (!spec.table.columns.some((column) => column.name === name)) continue;
    columns[name] = value.trim();
  }
  return columns;
}

/** A D input: yyyyMMdd and a real day (M3 dates are N8 yyyyMMdd in API inputs, API-FACTS §1.4). */
export function isM3Date(value: string): boolean {
  if (!/^\d{8}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An N input: digits with an optional sign and decimal point (decimal `.`, API-FACTS §1.4). */
export function isM3Number(value: string): boolean {
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(value);
}
