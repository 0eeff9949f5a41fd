import type { Row } from './collection';
import type { InforData } from './records';

/**
 * LN and FSM writes of customers and suppliers (issue 16) land in the same overlay M3 writes use
 * (`InforData.writeParty`): a field that is an M3 column too (name, address, phone, e-mail, VAT
 * number) changes what every view reads — MI, EXPORTMI, CSI, LN, FSM — and the record's stamp
 * moves. Fields only the writing view has (LN City, FSM TermsCode, …) are kept per view and shown
 * by that view's rows.
 */
export type PartyView = 'ln' | 'fsm';
type PartyEntity = 'customers' | 'suppliers';

const m3ColumnOf: Record<PartyView, Record<PartyEntity, Record<string, string>>> = {
  ln: {
    customers: { Name: 'CUNM', AddressLine1: 'CUA1', Telephone: 'PHNO', Email: 'MAIL', TaxNumber: 'VRNO' },
    suppliers: { Name: 'SUNM', Telephone: 'PHNO', TaxNumber: 'VRNO' },
  },
  fsm: {
    customers: { Name: 'CUNM', AddressLine1: 'CUA1', PhoneNumber: 'PHNO', EmailAddress: 'MAIL' },
    suppliers: { VendorName: 'SUNM', PhoneNumber: 'PHNO', TaxID: 'VRNO' },
  },
};

/** Writes one party through a view; `fields` exclude the key. Returns the dataset index. */
export function writeViewParty(
  data: InforData,
  entity: PartyEntity,
  view: PartyView,
  key: string,
  fields: Record<string, unknown>,
  now: number,
  create: boolean,
): number {
  const columns: Record<string, string> = {};
  const own: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const column = m3ColumnOf[view][entity][name];
    if (column) columns[column] = value === null || value === undefined ? '' : String(value);
    else own[`${view}:${name}`] = value;
  }
  const index = data.writeParty(entity, key, columns, now, create);
  const written = data.written[entity].get(index);
  if (written) written.views = { ...written.views, ...own };
  return index;
}

/** A view's row with what writes through that view set over it. */
export function withViewWrites(data: InforData, entity: PartyEntity, index: number, view: PartyView, row: Row): Row {
  const views = data.written[entity].get(index)?.views;
  if (!views) return row;
  const out: Row = { ...row };
  for (const [name, value] of Object.entries(views))
    if (name.startsWith(`${view}:`)) out[name.slice(view.length + 1)] = value;
  return out;
}
