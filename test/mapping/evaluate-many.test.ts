import { describe, expect, it } from 'vitest';
import { evaluateExpression, evaluateMany } from '../../shared/mapping/index';

/**
 * evaluateMany's guarantees, kept while its overhead over raw jsonata came down (issue 17): results
 * equal to evaluating each record alone and plain JSON, limits per record, cancellation before every
 * record, and turns for the event loop during a long batch.
 */
describe('evaluateMany', () => {
  it('gives each record the result evaluateExpression gives it, as plain JSON and never the input itself', async () => {
    const text = '{"id": id, "tags": tags.$uppercase($), "missing": nothing, "pair": [id, id * 2], "same": $}';
    const records = [{ id: 1, tags: ['a', 'b'] }, { id: 2, tags: 'c' }, { id: 3 }];
    const results = await evaluateMany(text, records);
    expect(results).toHaveLength(records.length);
    for (const [index, record] of records.entries()) {
      const result = results[index]!;
      if (!result.ok) throw new Error(`record ${index} failed: ${result.error.message}`);
      expect(result.value).toEqual(await evaluateExpression(text, record));
      const value = result.value as { tags?: unknown[]; pair: unknown[]; same: unknown };
      // jsonata's sequences carry extra properties; the result must be bare arrays and objects.
      expect(Object.keys(value.pair)).toEqual(['0', '1']);
      if (Array.isArray(value.tags)) expect(Object.keys(value.tags)).toEqual(['0', '1']);
      expect(Object.keys(value)).not.toContain('missing');
      // A copy: a caller that edits the output does not edit the source record.
      expect(value.same).toEqual(record);
      expect(value.same).not.toBe(record);
    }
    expect(results[0]).toEqual({
      ok: true,
      value: { id: 1, tags: ['A', 'B'], pair: [1, 2], same: { id: 1, tags: ['a', 'b'] } },
    });
  });

  it('fails only the record that runs too long or too deep, and goes on', async () => {
    const text =
      'kind = "slow" ? ($x := function(){ $count([1..1000000]) }; [1..50].$x()) : kind = "deep" ? ($f := function($n) { 1 + $f($n + 1) }; $f(0)) : kind';
    const results = await evaluateMany(text, [{ kind: 'a' }, { kind: 'slow' }, { kind: 'deep' }, { kind: 'b' }], {
      timeoutMs: 20,
      maxDepth: 50,
    });
    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
      'a',
      'E_MAPPING_TIMEOUT',
      'E_MAPPING_DEPTH',
      'b',
    ]);
  });

  it('stops before the next record once the signal is aborted', async () => {
    const controller = new AbortController();
    const seen: unknown[] = [];
    // The run-time binding aborts while the third record is evaluated.
    const note = (id: unknown) => {
      seen.push(id);
      if (id === 3) controller.abort();
      return id;
    };
    const records = Array.from({ length: 10 }, (_, index) => ({ id: index + 1 }));
    await expect(
      evaluateMany('$note(id)', records, { bindings: { note }, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'E_MAPPING_EVAL', message: 'Evaluation cancelled.' });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('lets an abort queued on the event loop through during a long batch', async () => {
    const controller = new AbortController();
    let evaluated = 0;
    // Each record takes at least 2 ms by construction, so with yieldAfterMs 1 the batch yields after
    // every record; the abort below is a timer, which only runs if the batch gives the loop a turn.
    const work = () => {
      evaluated += 1;
      const until = Date.now() + 2;
      while (Date.now() < until) {
        // busy: a record that keeps the thread
      }
      return evaluated;
    };
    setTimeout(() => controller.abort(), 0);
    const records = Array.from({ length: 2000 }, () => ({}));
    await expect(
      evaluateMany('$work()', records, { bindings: { work }, signal: controller.signal, yieldAfterMs: 1 }),
    ).rejects.toMatchObject({ message: 'Evaluation cancelled.' });
    expect(evaluated).toBeLessThan(records.length);
  });

  it('reports progress as it yields and once at the end', async () => {
    const progress: [number, number][] = [];
    const records = Array.from({ length: 5 }, (_, index) => ({ id: index }));
    const results = await evaluateMany('id', records, {
      yieldAfterMs: 0,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(results.map((result) => (result.ok ? result.value : undefined))).toEqual([0, 1, 2, 3, 4]);
    expect(progress.at(-1)).toEqual([5, 5]);
    expect(progress.slice(0, 5)).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
  });
});
