import type { TenantCheckProbe } from '../../../../shared/connectors/infor-check';
import { AppError } from '../../../../shared/errors';

/** One probe of the tenant check (tenant-check.ts): its answer, and the setting it decides, if any. */
export interface ProbeOutcome {
  status: TenantCheckProbe['status'];
  observed: string;
  setting?: { key: string; value: string };
}

export interface Probe {
  id: string;
  title: string;
  run(signal: AbortSignal): Promise<ProbeOutcome>;
}

/** An AppError's status and M3 error type, for probes that read the form of a refusal. */
export function refusal(error: unknown): { status?: number; type?: string; message: string } | undefined {
  if (!(error instanceof AppError)) return undefined;
  const details = (error.details ?? {}) as { status?: unknown; type?: unknown };
  return {
    status: typeof details.status === 'number' ? details.status : undefined,
    type: typeof details.type === 'string' ? details.type : undefined,
    message: error.message,
  };
}
