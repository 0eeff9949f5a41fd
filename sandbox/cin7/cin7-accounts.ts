import type { Cin7Record } from './cin7-data';
import type { Cin7Fault } from './cin7-store';

/**
 * The chart of accounts `/ref/account` as Cin7 Core API v2 writes it (API-FACTS §6.2): POST and PUT take
 * one object; `Code` (50 characters, unique), `Name`, `Type` and `Status` are required; `Bank` and
 * `BankAccountNumber` too when `Type` is BANK; `Class` is one of ASSET/LIABILITY/EXPENSE/EQUITY/REVENUE.
 * The documented `Type` enum omits values GET returns (`CURRENT`, `EXPENSE`), so any `Type` is taken.
 * Accounts have no `ID`: `Code` names the account, so PUT finds it by `Code`.
 */
export const cin7AccountClassList = ['ASSET', 'LIABILITY', 'EXPENSE', 'EQUITY', 'REVENUE'];
const requiredFields = ['Code', 'Name', 'Type', 'Status'];
/** Fields Cin7 computes; a write never sets them. */
const readOnlyFields = ['DisplayName', 'SystemAccount', 'SystemAccountCode', 'OldCode', 'BankAccountId', 'Currency'];

/**
 * While the tenant's chart of accounts comes from Xero or QuickBooks Online, Cin7 keeps it read-only
 * (API-FACTS §6.2; Cin7 help "Xero Integration - Basics": "If you are using Xero as your primary
 * accounting system, you must manage your accounts from Xero … Chart of Accounts … will be
 * read-only", help.core.cin7.com/hc/en-us/articles/9034616938511; "Create accounts for Xero
 * integration", …/12119947800591, says the same). The API's refusal is not published, neither status
 * nor text: the switch `accountsLinkedAnswer` answers 403 with a bare body (default) or 400 with this
 * text, which is the sandbox's own.
 */
export const cin7AccountsLinkedMessage =
  'Chart of Accounts is managed by the linked accounting system (Xero/QuickBooks Online) and cannot be changed.';

const fault = (Exception: string, ErrorCode = 400): Cin7Fault => ({ ErrorCode, Exception });
const blank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function validate(body: Cin7Record, existing?: Cin7Record): Cin7Fault[] {
  const faults: Cin7Fault[] = [];
  const merged = { ...existing, ...body };
  for (const name of requiredFields) if (blank(merged[name])) faults.push(fault(`${name} is required.`));
  if (typeof merged.Code === 'string' && merged.Code.length > 50)
    faults.push(fault('Code is too long: maximum length is 50 characters.'));
  if (String(merged.Type ?? '').toUpperCase() === 'BANK')
    for (const name of ['Bank', 'BankAccountNumber'])
      if (blank(merged[name])) faults.push(fault(`${name} is required for accounts of Type BANK.`));
  if (!blank(body.Class) && !cin7AccountClassList.includes(String(body.Class)))
    faults.push(
      fault(`Class '${String(body.Class)}' is not valid. Available values are ${cin7AccountClassList.join(', ')}.`),
    );
  return faults;
}

const writable = (body: Cin7Record): Cin7Record =>
  Object.fromEntries(Object.entries(body).filter(([name]) => !readOnlyFields.includes(name)));

const codeOf = (value: unknown) => (typeof value === 'number' ? String(value) : String(value ?? '').trim());

export function createAccount(accounts: Cin7Record[], body: Cin7Record): Cin7Record | Cin7Fault[] {
  const faults = validate(body);
  const code = codeOf(body.Code);
  if (code && accounts.some((account) => codeOf(account.Code).toLowerCase() === code.toLowerCase()))
    faults.push(fault(`Account with Code '${code}' already exists.`));
  if (faults.length > 0) return faults;
  const record: Cin7Record = {
    Description: null,
    SystemAccount: null,
    SystemAccountCode: null,
    Currency: null,
    ...writable(body),
    Code: code,
    DisplayName: `${code} - ${String(body.Name).trim()}`,
  };
  accounts.push(record);
  return record;
}

export function updateAccount(accounts: Cin7Record[], body: Cin7Record): Cin7Record | Cin7Fault[] {
  const code = codeOf(body.Code);
  if (!code) return [fault('Code is required.')];
  const existing = accounts.find((account) => codeOf(account.Code).toLowerCase() === code.toLowerCase());
  if (!existing) return [fault(`Account with Code '${code}' not found.`)];
  const faults = validate(body, existing);
  if (faults.length > 0) return faults;
  Object.assign(existing, writable(body), { Code: existing.Code });
  existing.DisplayName = `${String(existing.Code)} - ${String(existing.Name).trim()}`;
  return existing;
}
