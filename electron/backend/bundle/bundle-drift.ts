import type { Bundle } from '../../../shared/bundle/bundle.schema';
import { schemaDrift, type SchemaDriftFinding } from '../../../shared/bundle/schema-drift';
import { errorMessage } from '../../../shared/errors';
import type { ConnectorSource } from '../sync/engine-deps';
import { redact } from '../util/redact';

export interface DriftReport {
  /** Mapped fields that disappeared or changed, each with the mapping and the flows running it. */
  findings: Array<SchemaDriftFinding & { mapping: string; flows: string[]; connection: string }>;
  /** Live schemas that could not be fetched. */
  notes: string[];
  /** Mappings exported without a snapshot (older bundles, or schemas never fetched in Studio): not checked. */
  unchecked: string[];
}

/**
 * Compares the bundle's schema snapshots with the live schemas (fetched fresh through the bound
 * connectors) for the mappings the given flows run. Never throws: a schema that cannot be fetched
 * becomes a note, since the run itself reports a connection that does not answer.
 */
export async function liveSchemaDrift(
  bundle: Bundle,
  flowIds: readonly string[],
  connectors: ConnectorSource,
): Promise<DriftReport> {
  const report: DriftReport = { findings: [], notes: [], unchecked: [] };
  const flows = bundle.flows.filter((flow) => flowIds.includes(flow.id));
  const byMapping = new Map<string, typeof flows>();
  for (const flow of flows) byMapping.set(flow.mappingId, [...(byMapping.get(flow.mappingId) ?? []), flow]);
  const names = new Map(bundle.connections.map((connection) => [connection.id as string, connection.name]));
  for (const [mappingId, users] of byMapping) {
    const mapping = bundle.mappings.find((candidate) => candidate.id === mappingId);
    if (!mapping) continue;
    const flow = users[0]!;
    if (!mapping.schemaSnapshots) {
      report.unchecked.push(mapping.name);
      continue;
    }
    const sides = [
      { side: 'source' as const, connectionId: flow.source.connectionId, entity: mapping.sourceEntity },
      { side: 'target' as const, connectionId: flow.target.connectionId, entity: mapping.targetEntity },
    ];
    for (const { side, connectionId, entity } of sides) {
      const snapshot = mapping.schemaSnapshots[side];
      if (!snapshot) continue;
      const connection = names.get(connectionId) ?? connectionId;
      let connector: Awaited<ReturnType<ConnectorSource['open']>> | undefined;
      try {
        connector = await connectors.open(connectionId);
        const live = await connector.schema(entity, { refresh: true });
        for (const finding of schemaDrift(mapping, side, snapshot, live))
          report.findings.push({
            ...finding,
            mapping: mapping.name,
            flows: users.map((user) => user.name),
            connection,
          });
      } catch (error) {
        report.notes.push(
          `The live schema of ${entity} (${connection}) could not be fetched to check drift: ${redact(errorMessage(error))}`,
        );
      } finally {
        // A probe holds nothing to lose; a failing close must not hide the drift report.
        await connector?.close().catch(() => undefined);
      }
    }
  }
  return report;
}

/** One line per finding: the field, what changed, and what it breaks. */
export function driftLine(finding: DriftReport['findings'][number]): string {
  return `${finding.connection} ${finding.entity} (${finding.side} of the mapping “${finding.mapping}”, flow${finding.flows.length > 1 ? 's' : ''} ${finding.flows.map((flow) => `“${flow}”`).join(', ')}): ${finding.message}`;
}
