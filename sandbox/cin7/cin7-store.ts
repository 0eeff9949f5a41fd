import { createRandom, uuidFrom, type Random } from '../kit';
import type { Cin7Products } from './cin7-products';
import { cin7Reference, seedAccounts, seedParties, type Cin7Record } from './cin7-data';

/** A Cin7 error model item; the routes send one object, or a list when there are several. */
export interface Cin7Fault {
  ErrorCode: number;
  Exception: string;
}

export type PartyKind = 'supplier' | 'customer';

const required: Record<PartyKind, string[]> = {
  supplier: ['Name', 'TaxRule'],
  customer: ['Name', 'Status', 'Currency', 'PaymentTerm', 'AccountReceivable', 'RevenueAccount', 'TaxRule'],
};
const label: Record<PartyKind, string> = { supplier: 'Supplier', customer: 'Customer' };
const additional = Array.from({ length: 10 }, (_, index) => `AdditionalAttribute${index + 1}`);

const fault = (Exception: string, ErrorCode = 400): Cin7Fault => ({ ErrorCode, Exception });
const blank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * Everything the Cin7 sandbox holds, with the portal's validation rules. Records
 * keep `LastModifiedOn` / `LastUpdatedDate` as epoch ms; routes format them.
 */
export class Cin7Store {
  readonly parties: Record<PartyKind, Map<string, Cin7Record>>;
  readonly accounts: Cin7Record[];
  readonly purchases = new Map<string, Cin7Record>();
  /** The product catalogue purchase lines must name (set by the sandbox; absent = lines are not checked). */
  products: Cin7Products | undefined;
  private purchaseNumber = 0;
  private readonly random: Random;

  constructor(
    seed: number,
    counts: { suppliers: number; customers: number },
    private readonly now: () => number,
  ) {
    this.random = createRandom(seed ^ 0xc1d7);
    const at = now();
    this.parties = {
      supplier: new Map(
        seedParties(seed, 'supplier', counts.suppliers, at).map((record) => [String(record.ID), record]),
      ),
      customer: new Map(
        seedParties(seed, 'customer', counts.customers, at).map((record) => [String(record.ID), record]),
      ),
    };
    this.accounts = seedAccounts();
  }

  findParty(kind: PartyKind, id: string): Cin7Record | undefined {
    // GUIDs arrive in either case.
    return (
      this.parties[kind].get(id) ??
      [...this.parties[kind].values()].find((record) => String(record.ID).toLowerCase() === id.toLowerCase())
    );
  }

  private nameTaken(kind: PartyKind, name: string, exceptId?: string): boolean {
    const wanted = name.trim().toLowerCase();
    for (const record of this.parties[kind].values()) {
      if (String(record.Name).trim().toLowerCase() === wanted && record.ID !== exceptId) return true;
    }
    return false;
  }

  private validateParty(kind: PartyKind, body: Cin7Record, existing?: Cin7Record): Cin7Fault[] {
    const faults: Cin7Fault[] = [];
    if (!existing) for (const name of required[kind]) if (blank(body[name])) faults.push(fault(`${name} is required.`));
    const merged = { ...existing, ...body };
    if (typeof merged.Name === 'string' && merged.Name.length > 256)
      faults.push(fault(`Name is too long: maximum length is 256 characters.`));
    if (
      body.Name !== undefined &&
      !blank(body.Name) &&
      this.nameTaken(kind, String(body.Name), existing?.ID as string | undefined)
    ) {
      faults.push(fault(`${label[kind]} with name '${String(body.Name).trim()}' already exists.`));
    }
    const inList = (field: string, list: readonly string[], what: string) => {
      if (!blank(body[field]) && !list.includes(String(body[field])))
        faults.push(fault(`${field} '${String(body[field])}' not found in ${what}.`));
    };
    inList('TaxRule', cin7Reference.taxRules, 'Tax Rules');
    inList('PaymentTerm', cin7Reference.paymentTerms, 'Payment Terms');
    inList('Currency', cin7Reference.currencies, 'Currencies');
    const codes = this.accounts.map((account) => String(account.Code));
    for (const field of ['AccountPayable', 'AccountReceivable', 'RevenueAccount'])
      inList(field, codes, 'Chart of Accounts');
    if (!blank(body.Status) && body.Status !== 'Active' && body.Status !== 'Deprecated') {
      faults.push(fault(`Status '${String(body.Status)}' is not valid. Available values are Active and Deprecated.`));
    }
    for (const field of ['Discount', 'CreditLimit']) {
      const value = body[field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number' || !Number.isFinite(value)) faults.push(fault(`${field} should be a number.`));
      else if (field === 'Discount' && (value < 0 || value > 100))
        faults.push(fault('Discount must be between 0% and 100%.'));
    }
    for (const field of additional) {
      const value = body[field];
      if (typeof value === 'string' && value.length > 256)
        faults.push(fault(`${field} is too long: maximum length is 256 characters.`));
    }
    return faults;
  }

  /** POST ignores any `ID` in the body and always creates. */
  createParty(kind: PartyKind, body: Cin7Record): Cin7Record | Cin7Fault[] {
    const faults = this.validateParty(kind, body);
    if (faults.length > 0) return faults;
    const { ID: _ignored, LastModifiedOn: _readOnly, ...fields } = body;
    const record: Cin7Record = {
      Discount: 0,
      Comments: '',
      TaxNumber: '',
      ...Object.fromEntries(additional.map((name) => [name, ''])),
      AttributeSet: null,
      Status: 'Active',
      Addresses: [],
      Contacts: [],
      ...fields,
      ID: uuidFrom(this.random),
      Name: String(body.Name).trim(),
      LastModifiedOn: this.now(),
    };
    this.parties[kind].set(String(record.ID), record);
    return record;
  }

  updateParty(kind: PartyKind, body: Cin7Record): Cin7Record | Cin7Fault[] {
    if (blank(body.ID)) return [fault('ID is required.')];
    const existing = this.findParty(kind, String(body.ID));
    if (!existing) return [fault(`${label[kind]} with ID '${String(body.ID)}' not found.`)];
    const faults = this.validateParty(kind, body, existing);
    if (faults.length > 0) return faults;
    const { ID: _id, LastModifiedOn: _readOnly, ...fields } = body;
    Object.assign(existing, fields, { LastModifiedOn: this.now() });
    return existing;
  }

  createPurchase(body: Cin7Record): Cin7Record | Cin7Fault[] {
    const faults = this.validatePurchase(body, true);
    if (faults.length > 0) return faults;
    const supplier = this.supplierOf(body) as Cin7Record;
    this.purchaseNumber += 1;
    const at = this.now();
    const empty = { Status: 'NOT AVAILABLE', Lines: [] };
    const record: Cin7Record = {
      Contact: null,
      Phone: null,
      BlindReceipt: false,
      TaxRule: supplier.TaxRule,
      TaxCalculation: 'Exclusive',
      Terms: supplier.PaymentTerm,
      RequiredBy: null,
      Note: null,
      CurrencyRate: 1,
      BillingAddress: null,
      ShippingAddress: null,
      AdditionalAttributes: Object.fromEntries(additional.map((name) => [name, ''])),
      ...body,
      ID: uuidFrom(this.random),
      SupplierID: supplier.ID,
      Supplier: supplier.Name,
      InventoryAccount: '715',
      BaseCurrency: 'AUD',
      SupplierCurrency: supplier.Currency,
      OrderNumber: `PO-${String(this.purchaseNumber).padStart(5, '0')}`,
      OrderDate: at - (at % 86_400_000),
      Status: 'ORDERING',
      RelatedDropShipSaleTask: null,
      LastUpdatedDate: at,
      Order: {
        Memo: null,
        Status: 'NOT AVAILABLE',
        Lines: [],
        AdditionalCharges: [],
        Prepayments: [],
        TotalBeforeTax: 0,
        Tax: 0,
        Total: 0,
      },
      StockReceived: { ...empty },
      Invoice: {
        InvoiceDate: at,
        InvoiceDueDate: null,
        InvocieNumber: null,
        Status: 'DRAFT',
        Lines: [],
        AdditionalCharges: [],
        Payments: [],
        TotalBeforeTax: 0,
        Tax: 0,
        Total: 0,
        Paid: 0,
      },
      CreditNote: {
        CreditNoteNumber: '',
        CreditNoteDate: null,
        Status: 'NOT AVAILABLE',
        Lines: [],
        AdditionalCharges: [],
        Refunds: [],
        TotalBeforeTax: 0,
        Tax: 0,
        Total: 0,
      },
      ManualJournals: { ...empty },
      Attachments: [],
      InventoryMovements: [],
    };
    this.purchases.set(String(record.ID), record);
    return record;
  }

  updatePurchase(body: Cin7Record): Cin7Record | Cin7Fault[] {
    const existing = blank(body.ID) ? undefined : this.purchases.get(String(body.ID));
    if (!existing) return [fault(`Purchase with ID '${String(body.ID ?? '')}' not found.`)];
    if (existing.Status === 'VOIDED') return [fault('Purchase is voided and cannot be changed.')];
    const faults = this.validatePurchase(body, false);
    if (faults.length > 0) return faults;
    const { ID: _id, Order: _order, OrderNumber: _number, Status: _status, LastUpdatedDate: _stamp, ...fields } = body;
    Object.assign(existing, fields, { LastUpdatedDate: this.now() });
    return existing;
  }

  /** POST /purchase/order replaces the lines; only while the order is DRAFT or NOT AVAILABLE. */
  writeOrder(body: Cin7Record): Cin7Record | Cin7Fault[] {
    const purchase = blank(body.TaskID) ? undefined : this.purchases.get(String(body.TaskID));
    if (!purchase) return [fault(`Purchase with TaskID '${String(body.TaskID ?? '')}' not found.`)];
    const order = purchase.Order as Cin7Record;
    if (order.Status !== 'DRAFT' && order.Status !== 'NOT AVAILABLE')
      return [fault(`Order with status ${String(order.Status)} cannot be changed.`)];
    if (body.Status !== 'DRAFT' && body.Status !== 'AUTHORISED')
      return [fault(`Status '${String(body.Status ?? '')}' is not valid. Use DRAFT or AUTHORISED.`)];
    const lines = Array.isArray(body.Lines) ? (body.Lines as Cin7Record[]) : [];
    const faults: Cin7Fault[] = [];
    lines.forEach((line, index) => {
      for (const name of ['Quantity', 'Price', 'Total']) {
        if (typeof line[name] !== 'number') faults.push(fault(`Lines[${index}].${name} should be a number.`));
      }
      if (blank(line.ProductID) && blank(line.SKU))
        faults.push(fault(`Lines[${index}]: ProductID or SKU is required.`));
      else {
        const problem = this.products?.lineProblem(line, index);
        if (problem) faults.push(fault(problem));
      }
      if (!blank(line.TaxRule) && !cin7Reference.taxRules.includes(String(line.TaxRule)))
        faults.push(fault(`Lines[${index}].TaxRule '${String(line.TaxRule)}' not found in Tax Rules.`));
    });
    if (faults.length > 0) return faults;
    const total = lines.reduce((sum, line) => sum + Number(line.Total ?? 0), 0);
    const tax = lines.reduce((sum, line) => sum + Number(line.Tax ?? 0), 0);
    purchase.Order = {
      Memo: body.Memo ?? null,
      Status: body.Status,
      Lines: lines,
      AdditionalCharges: body.AdditionalCharges ?? [],
      Prepayments: [],
      TotalBeforeTax: total - tax,
      Tax: tax,
      Total: total,
    };
    purchase.LastUpdatedDate = this.now();
    return { TaskID: purchase.ID, ...(purchase.Order as Cin7Record) };
  }

  private supplierOf(body: Cin7Record): Cin7Record | undefined {
    if (!blank(body.SupplierID)) return this.findParty('supplier', String(body.SupplierID));
    if (!blank(body.Supplier)) {
      const name = String(body.Supplier).trim().toLowerCase();
      return [...this.parties.supplier.values()].find((record) => String(record.Name).toLowerCase() === name);
    }
    return undefined;
  }

  private validatePurchase(body: Cin7Record, creating: boolean): Cin7Fault[] {
    const faults: Cin7Fault[] = [];
    if (creating) {
      if (blank(body.Approach)) faults.push(fault('Approach is required.'));
      if (blank(body.Location)) faults.push(fault('Location is required.'));
      if (blank(body.SupplierID) && blank(body.Supplier)) faults.push(fault('SupplierID or Supplier is required.'));
      else if (!this.supplierOf(body))
        faults.push(fault(`Supplier '${String(body.SupplierID ?? body.Supplier)}' not found.`));
    }
    if (!blank(body.Approach) && body.Approach !== 'INVOICE' && body.Approach !== 'STOCK')
      faults.push(fault(`Approach '${String(body.Approach)}' is not valid. Use INVOICE or STOCK.`));
    if (!blank(body.Location) && !cin7Reference.locations.includes(String(body.Location)))
      faults.push(fault(`Location '${String(body.Location)}' not found.`));
    if (!blank(body.TaxRule) && !cin7Reference.taxRules.includes(String(body.TaxRule)))
      faults.push(fault(`TaxRule '${String(body.TaxRule)}' not found in Tax Rules.`));
    return faults;
  }
}
