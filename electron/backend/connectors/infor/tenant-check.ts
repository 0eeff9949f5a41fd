import type { TenantCheckProbe, TenantCheckReport } from '../../../../shared/connectors/infor-check';
import { redact } from '../../util/redact';
import type { HookContext } from '../framework/hooks';
import type { ProductLine } from './infor-sources';
import type { ProbeOutcome } from './tenant-check-probe';
import { lineProbes } from './tenant-check-lines';
import { m3Probes } from './tenant-check-m3';

/**
 * The Infor tenant check (issue 14; plan §2, the U rows): read-only probes, a handful of small calls
 * each, that confirm on a live tenant what the connector assumes where no public source settles it,
 * and choose the connection settings that depend on it. Probes are independent: one that fails is
 * reported as `failed` with its message and the others still run.
 */
/** The whole check gives up after this long (each call also has the client's own timeout). */
export const tenantCheckTimeoutMs = 120_000;

export async function checkTenant(
  context: HookContext,
  productLine: ProductLine,
  options: { signal?: AbortSignal; timeoutMs?: number; onProgress?: (probe: TenantCheckProbe) => void } = {},
): Promise<TenantCheckReport> {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? tenantCheckTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const probes = productLine === 'm3' ? m3Probes(context) : lineProbes(context, productLine);
  const results: TenantCheckProbe[] = [];
  for (const probe of probes) {
    // The caller's cancel stops the check; the deadline only ends the probes still to come.
    options.signal?.throwIfAborted();
    const before = context.http.callCounts().total;
    let outcome: ProbeOutcome;
    try {
      signal.throwIfAborted();
      outcome = await probe.run(signal);
    } catch (error) {
      options.signal?.throwIfAborted();
      const message = deadline.aborted
        ? 'the check ran out of time before this probe finished'
        : error instanceof Error
          ? error.message
          : String(error);
      outcome = { status: 'failed', observed: message };
    }
    const result: TenantCheckProbe = {
      id: probe.id,
      title: probe.title,
      status: outcome.status,
      observed: clean(outcome.observed, context.secrets),
      calls: context.http.callCounts().total - before,
    };
    if (outcome.setting) result.setting = outcome.setting;
    results.push(result);
    options.onProgress?.(result);
  }
  const settingsChosen: Record<string, string> = {};
  for (const probe of results) if (probe.setting) settingsChosen[probe.setting.key] = probe.setting.value;
  return { productLine, checkedAt: new Date().toISOString(), probes: results, settingsChosen };
}

/** Observed text is shown and stored: secrets out (by value and by pattern), one line, bounded. */
function clean(text: string, secrets: Record<string, string>): string {
  let out = redact(text);
  for (const secret of Object.values(secrets))
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 1000 ? `${out.slice(0, 997)}...` : out;
}
