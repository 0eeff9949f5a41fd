import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes, splitBatches } from '../../../electron/backend/connectors/framework/batching';

describe('splitBatches', () => {
  it('keeps order, never exceeds the count or the serialised size, and fills batches greedily', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer(),
            name: fc.string({ maxLength: 40 }),
            tags: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
          }),
          { maxLength: 120 },
        ),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 40, max: 2_000 }),
        (records, maxBatch, maxBytes) => {
          const batches = splitBatches(records, maxBatch, maxBytes, jsonBytes);
          expect(batches.flat()).toEqual(records);
          batches.forEach((batch, index) => {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxBatch);
            // Only a lone record may exceed the byte limit (the target then reports it itself).
            if (batch.length > 1) expect(jsonBytes(batch)).toBeLessThanOrEqual(maxBytes);
            // Greedy: the next record would not have fitted.
            const next = batches[index + 1]?.[0];
            if (next !== undefined && batch.length < maxBatch)
              expect(jsonBytes([...batch, next])).toBeGreaterThan(maxBytes);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits 10,000 records in linear time (no re-measuring of whole batches)', () => {
    let measured = 0;
    const records = Array.from({ length: 10_000 }, (_, index) => ({ index }));
    splitBatches(records, 100, 1_000_000, (record) => {
      measured += 1;
      return jsonBytes(record);
    });
    expect(measured).toBe(records.length);
  });
});
