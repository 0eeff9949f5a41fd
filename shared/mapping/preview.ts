import type { ErrorInfo } from '../errors';
import { compileGraph, type FieldExpression } from './compiler';
import {
  assertPlainJson,
  compiledExpression,
  toMappingError,
  yieldToEventLoop,
  type Bindings,
  type EvaluationLimits,
} from './evaluate';
import { wholeRecordHandle, type MappingGraph } from './graph.model';

/**
 * Live preview on sample records. Each target field's stand-alone expression is evaluated over
 * all samples and cached by its text, so after an edit only the fields whose text changed run
 * again. The run-time path evaluates the whole compiled expression instead (evaluate.ts).
 */
export interface PreviewOptions extends EvaluationLimits {
  bindings?: Bindings;
  /** Yield to the event loop after this many milliseconds of work (default 8). */
  yieldAfterMs?: number;
  /** Called before a field is evaluated, with its expression: the preview worker reports it, so a field that runs away can be named. */
  onField?: (expression: string) => void;
  /** Fields not to evaluate (by expression text), with the error every record shows for them instead. */
  blocked?: ReadonlyMap<string, ErrorInfo>;
}

export interface FieldError {
  target: string;
  nodeIds: string[];
  error: ErrorInfo;
}

export interface PreviewRecord {
  output: unknown;
  errors: FieldError[];
}

export interface PreviewResult {
  records: PreviewRecord[];
  /** Target handles evaluated by this update (the rest came from the cache). */
  evaluatedFields: string[];
  expression: string;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

const cacheLimit = 400;

export class MappingPreview {
  /** Field × record evaluations since creation; tests count these instead of timing. */
  evaluationCount = 0;
  private samples: readonly unknown[];
  private cache = new Map<string, Outcome[]>();

  constructor(
    samples: readonly unknown[],
    private readonly options: PreviewOptions = {},
  ) {
    samples.forEach((sample) => assertPlainJson(sample));
    this.samples = samples;
  }

  setSamples(samples: readonly unknown[]): void {
    samples.forEach((sample) => assertPlainJson(sample));
    this.samples = samples;
    this.cache.clear();
  }

  async update(graph: MappingGraph): Promise<PreviewResult> {
    const compiled = compileGraph(graph);
    const evaluatedFields: string[] = [];
    const columns: Outcome[][] = [];
    for (const field of compiled.fields) {
      let column = this.cache.get(field.expression);
      if (column) {
        this.cache.delete(field.expression);
      } else {
        column = await this.evaluateField(field);
        evaluatedFields.push(field.target);
      }
      this.cache.set(field.expression, column);
      columns.push(column);
    }
    while (this.cache.size > Math.max(cacheLimit, compiled.fields.length)) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
    const records = this.samples.map((_, index) => assemble(compiled.fields, columns, index));
    return { records, evaluatedFields, expression: compiled.expression };
  }

  private async evaluateField(field: FieldExpression): Promise<Outcome[]> {
    const blocked = this.options.blocked?.get(field.expression);
    if (blocked) return this.samples.map(() => ({ ok: false, error: blocked }));
    this.options.onField?.(field.expression);
    const expression = compiledExpression(field.expression, this.options);
    const yieldAfter = this.options.yieldAfterMs ?? 8;
    let sliceStart = Date.now();
    const column: Outcome[] = [];
    for (const sample of this.samples) {
      this.evaluationCount += 1;
      try {
        column.push({ ok: true, value: await expression.evaluate(sample, this.options.bindings) });
      } catch (error) {
        column.push({ ok: false, error: toMappingError(error, 'E_MAPPING_EVAL').toInfo() });
      }
      if (Date.now() - sliceStart >= yieldAfter) {
        await yieldToEventLoop();
        sliceStart = Date.now();
      }
    }
    return column;
  }
}

function assemble(fields: readonly FieldExpression[], columns: readonly Outcome[][], index: number): PreviewRecord {
  const errors: FieldError[] = [];
  let output: unknown = {};
  fields.forEach((field, position) => {
    const outcome = columns[position]?.[index] as Outcome;
    if (!outcome.ok) {
      errors.push({ target: field.target, nodeIds: field.nodeIds, error: outcome.error });
      return;
    }
    if (field.target === wholeRecordHandle) {
      output = plain(outcome.value);
      return;
    }
    let container = output as Record<string, unknown>;
    for (const key of field.path.slice(0, -1)) {
      const next = container[key];
      if (!next || typeof next !== 'object') container[key] = {};
      container = container[key] as Record<string, unknown>;
    }
    const value = plain(outcome.value);
    if (value !== undefined) container[field.path[field.path.length - 1] as string] = value;
  });
  return { output, errors };
}

/** A fresh plain-JSON copy: cached values are shared between updates and must never be mutated. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = plain(item);
    return out;
  }
  return value;
}
