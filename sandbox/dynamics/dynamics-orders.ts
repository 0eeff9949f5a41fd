import type { TableSpec } from './dynamics-tables';

/**
 * Rules of the order, quote and invoice lines (`salesorderdetail`, `quotedetail`,
 * `invoicedetail`) that column metadata cannot state. Microsoft's entity references for these
 * tables describe a line as either an existing product (`productid` with its unit `uomid`) or a
 * write-in product (`isproductoverridden` = true with `productdescription`). The exact error text
 * for a line with neither is not published (unconfirmed): the simulator answers as for a missing
 * required column (InvalidArgument), which is the class of error Dataverse gives.
 */
export const detailTables = new Set(['salesorderdetail', 'quotedetail', 'invoicedetail']);

/** The problem with a new line's product columns, or undefined when they are complete. */
export function detailProductProblem(table: TableSpec, values: Record<string, unknown>): string | undefined {
  if (!detailTables.has(table.logicalName)) return undefined;
  const writeIn = values.isproductoverridden === true;
  if (writeIn)
    return typeof values.productdescription === 'string' && values.productdescription !== ''
      ? undefined
      : `Attribute: productdescription cannot be set to NULL. A write-in product (isproductoverridden = true) of a ${table.logicalName} needs a description.`;
  if (values.productid === undefined || values.productid === null)
    return `Attribute: productid cannot be set to NULL. A ${table.logicalName} needs an existing product (productid@odata.bind with uomid@odata.bind) or a write-in product (isproductoverridden = true and productdescription).`;
  if (values.uomid === undefined || values.uomid === null)
    return `Attribute: uomid cannot be set to NULL. A ${table.logicalName} with an existing product needs its unit (uomid@odata.bind).`;
  return undefined;
}

/**
 * A lookup column written as a plain value (`"transactioncurrencyid": "EUR"`) instead of through
 * its navigation property (`"transactioncurrencyid@odata.bind": "/transactioncurrencies(…)"`).
 * The Web API's OData reader refuses it before Dataverse looks at the value: a single-valued
 * navigation property only takes an object, an array or null (Microsoft, "Associate table rows
 * on create" and "Web API client errors"; the ODataException text below is the reader's own).
 */
export function plainValueForLookup(name: string): string {
  return `Error identified in Payload provided by the user for Entity :'', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : Microsoft.OData.ODataException: A 'PrimitiveValue' node with non-null value was found when trying to read the value of the navigation property '${name}'; however, a 'StartArray' node, a 'StartObject' node, or a 'PrimitiveValue' node with null value was expected. Bind a lookup with '${name}@odata.bind'.`;
}
