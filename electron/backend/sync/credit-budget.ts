import type { Connection } from '../../../shared/domain/connection';
import {
  zohoCreditBudget,
  zohoCreditEstimate,
  zohoCreditText,
  type ZohoCreditBudget,
  type ZohoCreditEstimate,
} from '../../../shared/connectors/zoho-credits';
import type { AsyncFlowRepository, AsyncRunRepository } from '../store/async-store';

/** A Zoho connection's share of a pass: the flows that call it, the records they move, the credits. */
export interface CreditBudget {
  connectionId: string;
  connectionName: string;
  flows: string[];
  /** Records estimated to move through this connection (known flows only). */
  records: number;
  /** Flows with no earlier run to estimate from: their records are not counted. */
  unknownFlows: string[];
  budget: ZohoCreditBudget;
  /** What the CLI prints and the Run now dialog shows. */
  text: string;
  /** The run may spend more than the org has left: say so before it starts. */
  warn: boolean;
}

/**
 * Records a flow is expected to move: a full read is the last full read's size; an incremental one
 * the last run's (the best guide to a window's size before reading it); unknown before any run.
 */
export async function expectedRecords(
  runs: Pick<AsyncRunRepository, 'watermark' | 'lastFullReadCount' | 'latestRun'>,
  flowId: string,
): Promise<number | null> {
  if ((await runs.watermark(flowId)) === null) return runs.lastFullReadCount(flowId);
  return (await runs.latestRun(flowId))?.counters.read ?? null;
}

/**
 * The daily-credit budget of every Zoho connection the flows use (Zoho publishes credits per org per
 * day, not a per-minute limit: API-FACTS §2.4): upserts at 100 records per call, list reads at 200.
 */
export async function creditBudgets(
  deps: {
    flows: Pick<AsyncFlowRepository, 'flow'>;
    runs: Pick<AsyncRunRepository, 'watermark' | 'lastFullReadCount' | 'latestRun'>;
  },
  flowIds: readonly string[],
  connection: (id: string) => Pick<Connection, 'system' | 'name' | 'settings'> | undefined,
): Promise<CreditBudget[]> {
  const byConnection = new Map<
    string,
    {
      name: string;
      settings: Connection['settings'];
      flows: string[];
      unknown: string[];
      records: number;
      estimate: ZohoCreditEstimate;
    }
  >();
  for (const flowId of flowIds) {
    const flow = await deps.flows.flow(flowId);
    const records = await expectedRecords(deps.runs, flowId);
    for (const [role, connectionId] of [
      ['source', flow.source.connectionId],
      ['target', flow.target.connectionId],
    ] as const) {
      const found = connection(connectionId);
      if (found?.system !== 'zoho') continue;
      const entry = byConnection.get(connectionId) ?? {
        name: found.name,
        settings: found.settings,
        flows: [],
        unknown: [],
        records: 0,
        estimate: zohoCreditEstimate({ writes: 0 }),
      };
      byConnection.set(connectionId, entry);
      if (!entry.flows.includes(flow.name)) entry.flows.push(flow.name);
      if (records === null) {
        if (!entry.unknown.includes(flow.name)) entry.unknown.push(flow.name);
        continue;
      }
      // Each flow writes in its own batches (at most Zoho's 100, or the flow's smaller size), and reads
      // its own pages: priced per flow, then added up for the org.
      const own =
        role === 'target'
          ? zohoCreditEstimate({ writes: records, batchSize: Math.min(100, flow.options?.batchSize ?? 100) })
          : zohoCreditEstimate({ writes: 0, reads: records });
      entry.records += records;
      entry.estimate = {
        calls: {
          write: entry.estimate.calls.write + own.calls.write,
          read: entry.estimate.calls.read + own.calls.read,
        },
        low: entry.estimate.low + own.low,
        high: entry.estimate.high + own.high,
      };
    }
  }
  return [...byConnection].map(([connectionId, entry]) => {
    const { estimate, records } = entry;
    const budget = zohoCreditBudget(estimate, entry.settings);
    const unknown = entry.unknown.length
      ? ` Not counted (no earlier run to estimate from): ${entry.unknown.join(', ')}.`
      : '';
    return {
      connectionId,
      connectionName: entry.name,
      flows: entry.flows,
      records,
      unknownFlows: entry.unknown,
      budget,
      text: `${entry.name}: ${zohoCreditText(budget, records)}${unknown}`,
      warn: budget.verdict !== 'fits',
    };
  });
}
