/**
 * Splits records into batches that respect both a record count and a payload
 * size limit. `measure` returns the bytes a batch would serialise to; a single
 * record over the byte limit still goes alone (the target reports it per record).
 */
export function splitBatches<T>(records: T[], maxBatch: number, maxPayloadBytes: number, measure: (batch: T[]) => number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  for (const record of records) {
    const candidate = [...current, record];
    if (current.length > 0 && (candidate.length > maxBatch || measure(candidate) > maxPayloadBytes)) {
      batches.push(current);
      current = [record];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');
