import { describe, expect, it } from 'vitest';
import { evaluateIsolated } from '../../../electron/backend/mapping/mapping-pool';
import { AppError } from '../../../shared/errors';
import { evaluateMany } from '../../../shared/mapping/evaluate';

/** The worker-process evaluator keeps `evaluateMany`'s contract: one result per record, in order. */
describe('evaluateIsolated', () => {
  const lookupRef = async (entity: unknown, key: unknown) => {
    if (key === 'boom') throw new AppError('E_NOT_FOUND', 'No such account.');
    return `${String(entity)}/${String(key)}`;
  };

  it('gives the same results as evaluateMany, bindings included, for a batch both workers share', async () => {
    const records = Array.from({ length: 150 }, (_, index) => ({ k: String(index), n: index }));
    const text = '{"ref": $lookupRef("Accounts", k), "twice": n * 2, "kept": $map([1, 2], function($v) { $v + n })}';
    const isolated = await evaluateIsolated(text, records, { bindings: { lookupRef, prefix: 'x' } });
    expect(isolated).toEqual(await evaluateMany(text, records, { bindings: { lookupRef, prefix: 'x' } }));
    expect(isolated[149]).toEqual({ ok: true, value: { ref: 'Accounts/149', twice: 298, kept: [150, 151] } });
  });

  it('passes a binding’s error code through and fails only that record', async () => {
    const results = await evaluateIsolated(
      '$lookupRef("Accounts", k) & $suffix',
      [{ k: 'a' }, { k: 'boom' }, { k: 'c' }],
      { bindings: { lookupRef, suffix: '!' } },
    );
    expect(results).toEqual([
      { ok: true, value: 'Accounts/a!' },
      { ok: false, error: { code: 'E_NOT_FOUND', message: 'No such account.' } },
      { ok: true, value: 'Accounts/c!' },
    ]);
  });

  it('fails the record when a binding answers with something that is not JSON', async () => {
    const results = await evaluateIsolated('$odd()', [{}], { bindings: { odd: () => () => 1 } });
    expect(results).toEqual([
      { ok: false, error: { code: 'E_MAPPING_EVAL', message: '$odd returned something that is not JSON.' } },
    ]);
  });

  it('throws compile errors and fails records that are not JSON', async () => {
    await expect(evaluateIsolated('{"a": ', [{}])).rejects.toMatchObject({ code: 'E_MAPPING_COMPILE' });
    const results = await evaluateIsolated('a', [{ a: 1 }, { a: new Date(0) }, { a: 3 }]);
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
  });

  it('stops a record in progress when the run is cancelled', async () => {
    const controller = new AbortController();
    // Cancelled once the first record is done, while the worker is inside the endless second one.
    const pending = evaluateIsolated('endless ? $count($distinct([1..300000])) : 1', [{}, { endless: true }], {
      signal: controller.signal,
      hardTimeoutMs: 600_000,
      timeoutMs: 600_000,
      onProgress: (done) => done === 1 && controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: 'E_MAPPING_EVAL', message: 'Evaluation cancelled.' });
  });
});
