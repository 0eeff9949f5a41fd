import type { HookContext } from '../framework/hooks';
import { m3ExportProbes } from './tenant-check-m3-export';
import { m3ListProbes } from './tenant-check-m3-list';
import { m3CheckTools } from './tenant-check-m3-tools';
import type { Probe } from './tenant-check-probe';

/** M3 probes of the tenant check (plan U1–U3, U5, U8–U10, U13, metadata), EXPORTMI first. */
export function m3Probes(context: HookContext): Probe[] {
  const tools = m3CheckTools(context);
  return [...m3ExportProbes(tools), ...m3ListProbes(tools)];
}
