import { z } from 'zod';
import { errorCodes, type ErrorInfo } from '../errors';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const errorInfoSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.unknown().optional(),
});

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: ErrorInfo): Result<never> => ({ ok: false, error });
