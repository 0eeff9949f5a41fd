import { z } from 'zod';
import {
  isMethodName,
  methods,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
} from '../../../shared/api/contract';
import type { Result } from '../../../shared/api/result';
import { AppError, errorMessage, type ErrorInfo } from '../../../shared/errors';
import { redact } from '../util/redact';
import type { BackendContext } from '../context';

/** The backend's implementation of the contract; a missing method does not compile. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>, context: BackendContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
};

function issuesOf(error: z.ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message, code: issue.code }));
}

/**
 * The one door into the backend: unknown names and invalid input are refused here,
 * every output is parsed by the contract (so nothing undeclared, such as a secret,
 * can leak out) and every failure becomes an error value.
 */
export async function dispatch(
  handlers: Handlers,
  context: BackendContext,
  name: unknown,
  rawInput: unknown,
): Promise<Result<unknown>> {
  if (!isMethodName(name)) {
    return fail({ code: 'E_UNKNOWN_METHOD', message: `Unknown method ${JSON.stringify(String(name)).slice(0, 80)}.` });
  }
  const spec = methods[name];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    return fail({
      code: 'E_INVALID_INPUT',
      message: `Invalid input for ${name}${where}: ${first?.message ?? 'rejected'}.`,
      details: { issues },
    });
  }
  try {
    const handler = handlers[name] as (input: unknown, context: BackendContext) => unknown;
    const value = await handler(parsed.data, context);
    const output = spec.output.safeParse(value);
    if (!output.success) {
      context.log.error('handler output broke the contract', { method: name, issues: issuesOf(output.error) });
      return fail({
        code: 'E_INVALID_OUTPUT',
        message: `The backend answered ${name} with data that breaks the contract.`,
      });
    }
    return { ok: true, value: output.data };
  } catch (error) {
    if (error instanceof AppError) return fail(error.toInfo());
    const message = errorMessage(error);
    context.log.error('handler failed', { method: name, error: message });
    return fail({ code: 'E_INTERNAL', message: `Unexpected failure in ${name}: ${redact(message)}` });
  }
}

function fail(error: ErrorInfo): Result<never> {
  return { ok: false, error: { ...error, message: redact(error.message) } };
}
