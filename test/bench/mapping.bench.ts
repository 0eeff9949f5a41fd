/**
 * Mapping benchmarks, printed as JSON (not a timed test): compile time of a 500-field mapping,
 * records/s of a 40-field customer mapping (in process and in the worker pool the engine uses)
 * next to the same mapping as a plain JS function, evaluateMany's overhead over raw jsonata on the
 * same compiled expression, and the preview update after one edit on 1,000 records. Run alone: `npx tsx test/bench/mapping.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { closeMappingPool, evaluateIsolated } from '../../electron/backend/mapping/mapping-pool';
import {
  compiledExpression,
  compileGraph,
  evaluateMany,
  MappingPreview,
  type MappingGraph,
} from '../../shared/mapping/index';
import { TestGraph } from '../mapping/support/graph-builder';

const fieldCount = 40;

function customerMapping(fields: number, variant = 0): MappingGraph {
  const sources = Object.fromEntries(Array.from({ length: fields }, (_, index) => [`F${index}`, 'string'])) as Record<
    string,
    'string'
  >;
  const targets = Object.fromEntries(
    Array.from({ length: fields }, (_, index) => [`Field_${index}`, 'string']),
  ) as Record<string, 'string'>;
  const b = new TestGraph(sources, targets);
  for (let index = 0; index < fields; index += 1) {
    const source = b.src(`F${index}`);
    switch (index % 4) {
      case 0:
        b.to(`Field_${index}`, source);
        break;
      case 1:
        b.to(`Field_${index}`, b.fn('trim', source));
        break;
      case 2:
        b.to(`Field_${index}`, b.coalesce(source, b.constant(index === 2 ? `default-${variant}` : 'n/a')));
        break;
      default:
        b.to(`Field_${index}`, b.valueMap(source, { A: 'Active', B: 'Blocked' }, { kind: 'input' }));
    }
  }
  return b.graph;
}

function records(count: number): Record<string, string>[] {
  return Array.from({ length: count }, (_, row) =>
    Object.fromEntries(
      Array.from({ length: fieldCount }, (_, index) => [
        `F${index}`,
        index % 4 === 3 ? (row % 2 ? 'A' : 'B') : ` value ${row}-${index} `,
      ]),
    ),
  );
}

/** The same mapping, hand-written. */
function plainFunction(record: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const table: Record<string, string> = { A: 'Active', B: 'Blocked' };
  for (let index = 0; index < fieldCount; index += 1) {
    const value = record[`F${index}`];
    switch (index % 4) {
      case 0:
        if (value !== undefined) out[`Field_${index}`] = value;
        break;
      case 1:
        if (value !== undefined) out[`Field_${index}`] = value.replace(/\s+/g, ' ').trim();
        break;
      case 2:
        out[`Field_${index}`] = value ?? 'n/a';
        break;
      default:
        if (value !== undefined) out[`Field_${index}`] = table[value] ?? value;
    }
  }
  return out;
}

export async function runMappingBench(): Promise<Record<string, unknown>> {
  const large = customerMapping(500);
  compileGraph(large);
  const compileStart = performance.now();
  const rounds = 5;
  for (let round = 0; round < rounds; round += 1) compileGraph(large);
  const compileMs = (performance.now() - compileStart) / rounds;

  const graph = customerMapping(fieldCount);
  const expression = compileGraph(graph).expression;
  const batch = records(2000);
  await evaluateMany(expression, batch.slice(0, 200));
  const evalStart = performance.now();
  await evaluateMany(expression, batch);
  const jsonataRecordsPerSecond = batch.length / ((performance.now() - evalStart) / 1000);
  // The engine's path: the same batch in the worker-process pool (limits enforced by the runtime).
  await evaluateIsolated(expression, batch.slice(0, 200));
  const isolatedStart = performance.now();
  await evaluateIsolated(expression, batch);
  const isolatedRecordsPerSecond = batch.length / ((performance.now() - isolatedStart) / 1000);
  closeMappingPool();
  const plainStart = performance.now();
  for (let repeat = 0; repeat < 10; repeat += 1) for (const record of batch) plainFunction(record);
  const plainRecordsPerSecond = (batch.length * 10) / ((performance.now() - plainStart) / 1000);

  const overhead = await transformOverhead(expression, batch);

  const preview = new MappingPreview(records(1000));
  const fullStart = performance.now();
  await preview.update(graph);
  const fullPreviewMs = performance.now() - fullStart;
  const editStart = performance.now();
  const edited = await preview.update(customerMapping(fieldCount, 1));
  const editPreviewMs = performance.now() - editStart;

  return {
    benchmark: 'mapping',
    compile500FieldsMs: round(compileMs),
    evaluate40Fields: {
      jsonataRecordsPerSecond: Math.round(jsonataRecordsPerSecond),
      workerPoolRecordsPerSecond: Math.round(isolatedRecordsPerSecond),
      plainJsRecordsPerSecond: Math.round(plainRecordsPerSecond),
      microsecondsPerRecord: round(1e6 / jsonataRecordsPerSecond),
    },
    transformOverhead: overhead,
    preview1000Records: {
      firstRunMs: round(fullPreviewMs),
      afterOneEditMs: round(editPreviewMs),
      fieldsReevaluated: edited.evaluatedFields.length,
    },
  };
}

/**
 * evaluateMany against raw jsonata: the same compiled expression (same guardrails: time box, depth,
 * linear regexes) evaluated record by record with nothing around it. Rounds alternate between the two
 * so load from other processes hits both alike; the ratio is the median of the per-round ratios
 * (goal: at most 1.1).
 */
async function transformOverhead(expression: string, batch: readonly unknown[]): Promise<Record<string, unknown>> {
  const compiled = compiledExpression(expression);
  const raw = async () => {
    const out: unknown[] = [];
    for (const record of batch) out.push(await compiled.evaluate(record));
    return out;
  };
  const rounds = 9;
  const rawMs: number[] = [];
  const manyMs: number[] = [];
  const ratios: number[] = [];
  await raw();
  await evaluateMany(expression, batch);
  for (let index = 0; index < rounds; index += 1) {
    // Alternate which goes first, so neither always runs right after the other's garbage.
    const order = index % 2 === 0 ? ['raw', 'many'] : ['many', 'raw'];
    const times: Record<string, number> = {};
    for (const which of order) {
      const start = performance.now();
      if (which === 'raw') await raw();
      else await evaluateMany(expression, batch);
      times[which] = performance.now() - start;
    }
    rawMs.push(times.raw!);
    manyMs.push(times.many!);
    ratios.push(times.many! / times.raw!);
  }
  return {
    records: batch.length,
    rounds,
    rawJsonataMedianMs: round(median(rawMs)),
    evaluateManyMedianMs: round(median(manyMs)),
    ratio: round(median(ratios)),
    goal: 1.1,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runMappingBench()));
}
