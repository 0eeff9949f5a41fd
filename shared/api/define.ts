import type { z } from 'zod';

/** One request/response method of the contract. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for humans: shown by `mlc --help`-style listings and in error messages. */
  summary: string;
}

/** Helps inference keep the exact zod types of each method. */
export const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> => spec;
