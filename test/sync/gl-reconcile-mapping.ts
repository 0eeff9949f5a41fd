/**
 * Infor M3 GL accounts (FCHACC through the M3 reader: AITP, AITM, TX40, ACTY, STAT) → Cin7 Core
 * chart of accounts (Code, Name, Type, Class, Status). Only accounting dimension 1 is the chart of
 * accounts (dimension 2 holds other dimensions under the same AITM); the mapping returns nothing for
 * the rest. The example bundle's GL reconcile flow reuses this mapping.
 */
export const m3GlAccountsToCin7 = `AITP = 1 ? {
  "Code": $trim($string(AITM)),
  "Name": $trim(TX40),
  "Type": ACTY = 1 ? "CURRENT" : "EXPENSE",
  "Class": ACTY = 1 ? "ASSET" : "EXPENSE",
  "Status": $trim($string(STAT)) = "20" ? "ACTIVE" : "ARCHIVED"
}`;
