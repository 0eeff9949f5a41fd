/**
 * Splits records into batches that respect both a record count and a payload
 * size limit, in one pass: a batch's size is its envelope plus each record's own
 * size plus a separator between records (exactly how a JSON array serialises).
 * A single record over the byte limit still goes alone (the target reports it
 * per record).
 */
export function splitBatches<T>(
  records: T[],
  maxBatch: number,
  maxPayloadBytes: number,
  sizeOf: (record: T) => number,
  framing: { envelope: number; separator: number } = { envelope: 2, separator: 1 },
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = framing.envelope;
  for (const record of records) {
    const size = sizeOf(record);
    const grown = bytes + size + (current.length > 0 ? framing.separator : 0);
    if (current.length > 0 && (current.length + 1 > maxBatch || grown > maxPayloadBytes)) {
      batches.push(current);
      current = [record];
      bytes = framing.envelope + size;
    } else {
      current.push(record);
      bytes = grown;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');
