import { z } from 'zod';

/**
 * The Infor tenant check (issue 14): what each read-only probe found on a live tenant about a behaviour
 * no public source settles (plan §2, the U rows), and the connection settings it chose from that.
 *
 * - `confirmed`: the tenant behaves as a stock tenant is assumed to (the simulator's default);
 * - `differs`: it behaves otherwise; `observed` says how and what the connector does about it;
 * - `unknown`: the probe could not tell with a handful of calls;
 * - `failed`: the probe's calls failed (`observed` holds the message).
 */
export const tenantCheckStatuses = ['confirmed', 'differs', 'unknown', 'failed'] as const;
export type TenantCheckStatus = (typeof tenantCheckStatuses)[number];

export const tenantCheckProbeSchema = z.object({
  /** `m3.sepc`, `csi.sites`, … (product line, then the question). */
  id: z.string().min(1).max(60),
  title: z.string().max(200),
  status: z.enum(tenantCheckStatuses),
  /** Short, never a secret: what came back and what the connector does with it. */
  observed: z.string().max(1000),
  /** The connection setting this probe decides, when it decides one the connector reads. */
  setting: z.object({ key: z.string(), value: z.string() }).optional(),
  calls: z.number().int().nonnegative(),
});
export type TenantCheckProbe = z.infer<typeof tenantCheckProbeSchema>;

export const tenantCheckReportSchema = z.object({
  productLine: z.enum(['m3', 'csi', 'ln', 'fsm']),
  checkedAt: z.string(),
  probes: z.array(tenantCheckProbeSchema),
  /** Every probe's `setting`, by key: what the connection should use. */
  settingsChosen: z.record(z.string(), z.string()),
});
export type TenantCheckReport = z.infer<typeof tenantCheckReportSchema>;

/** The one-character mark per status, for the CLI and the card. */
export const tenantCheckMarks: Record<TenantCheckStatus, string> = {
  confirmed: '✓',
  differs: '≠',
  unknown: '?',
  failed: '✗',
};
