import type { MethodInput } from '../../../shared/api/contract';
import { bundleJsonSchemaId } from '../../../shared/bundle/bundle-json-schema';
import { connectionRef } from '../../../shared/bundle/bundle-migrations';
import { findSecrets, secretKeysOf } from '../../../shared/bundle/bundle-secrets';
import {
  bundleFileSuffix,
  bundleFormat,
  bundleSchema,
  bundleVersion,
  type Bundle,
  type BundleConnection,
  type BundleLookupTable,
  type BundleMapping,
  type BundleSample,
} from '../../../shared/bundle/bundle.schema';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import { compileGraph, generatedMarker } from '../../../shared/mapping/index';
import { appVersion, jsonataVersion } from '../app/version';
import type { BackendContext } from '../context';
import { evaluateIsolated } from '../mapping/mapping-pool';
import { dependencyOrder } from '../sync/dependency-order';
import { syncService } from '../sync/sync.service';
import { sampleBindings } from './bundle-check';
import { sealBundle } from './bundle-hash';
import { parseCachedSchema } from '../connectors/framework/schema-cache';
import { mappedFieldPaths, snapshotOf } from '../../../shared/bundle/schema-drift';
import { defaultBundleName } from '../../../shared/bundle/bundle-name';

export type ExportInput = MethodInput<'bundles.export'>;

/** The file `mlc sandbox` writes for a sandbox connection of this system (bundle-binding.ts reads it back). */
export function sandboxFileFor(connection: Pick<Connection, 'system' | 'settings'>): string {
  if (connection.system === 'infor')
    return connection.settings.grant === 'client_credentials'
      ? 'infor-client-credentials.ionapi'
      : 'infor-backend-service.ionapi';
  return `${connection.system}-sandbox.connection.json`;
}

/**
 * Builds a bundle from the store: the chosen flows and what they need (flows
 * they depend on, mappings, connections without secrets), lookup tables, schema
 * hashes and samples whose expected outputs are computed now.
 */
export async function exportBundle(context: BackendContext, input: ExportInput): Promise<Bundle> {
  const service = syncService(context);
  const all = service.flows.flows();
  const flows = selectFlows(all, input.flowIds);
  if (flows.length === 0) throw new AppError('E_NOT_FOUND', 'There are no flows to export; create a flow first.');
  const mappings = [
    ...new Map(flows.map((flow) => [flow.mappingId as string, service.mappings.get(flow.mappingId)])).values(),
  ];

  const taken = new Set<string>();
  const connectionIds = [
    ...new Set(flows.flatMap((flow) => [flow.source.connectionId as string, flow.target.connectionId as string])),
  ];
  const connections: BundleConnection[] = connectionIds.map((id) => {
    const connection = context.connections.get(id);
    if (!connection) throw new AppError('E_NOT_FOUND', `A flow uses the connection ${id}, which no longer exists.`);
    return bundleConnection(connection, connectionRef(connection.system, taken));
  });

  const bundled = new Set(connectionIds);
  const bundleMappings = mappings.map((mapping) =>
    bundleMapping(
      context,
      mapping,
      flows.find((flow) => flow.mappingId === mapping.id)!,
      bundled,
    ),
  );
  const samples = await collectSamples(context, mappings, flows, input);
  // No timestamp: the same workspace exported twice gives the same bytes, so bundles diff cleanly in git.
  const body = {
    format: bundleFormat,
    version: bundleVersion,
    name: input.name ?? defaultBundleName(flows, (id) => context.connections.get(id)?.name),
    ...(input.description ? { description: input.description } : {}),
    app: { name: 'ml-connector Studio', version: appVersion() },
    engine: { jsonata: jsonataVersion() },
    connections,
    mappings: bundleMappings,
    flows: flows.map(({ createdAt: _created, updatedAt: _updated, ...flow }) => flow),
    lookupTables: mappings.flatMap(lookupTables),
    samples,
  };
  // The vault knows the real values: a password pasted into a non-secret field is caught whatever the field is called.
  const leaked = findSecretValues(
    body,
    connectionIds.flatMap((id) => vaultSecrets(context, id)),
  );
  if (leaked.length > 0) {
    const first = leaked[0]!;
    throw new AppError(
      'E_BUNDLE_SECRET',
      `Refusing to export: ${first.path} holds the value of the secret “${first.slot}” of the connection “${first.connection}”. Clear it there (the secret stays in the connection's secrets), then export again.`,
      { paths: leaked.map((finding) => finding.path) },
    );
  }
  const findings = findSecrets(body);
  if (findings.length > 0) {
    // Settings are non-secret by contract; if one slipped in, stop rather than write it to a file.
    throw new AppError(
      'E_BUNDLE_SECRET',
      `Refusing to export: ${findings[0]!.path} looks like a secret. Move it to the connection's secrets.`,
      { paths: findings.map((finding) => finding.path) },
    );
  }
  // `$schema` first (editors validate against it), outside the hashed part.
  return bundleSchema.parse(sealBundle({ $schema: bundleJsonSchemaId, ...body }));
}

export function bundleFileName(bundle: Pick<Bundle, 'name'>): string {
  const stem =
    bundle.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'bundle';
  return `${stem}${bundleFileSuffix}`;
}

/** The bundle as the file holds it: two-space JSON with a trailing newline. */
export function bundleText(bundle: Bundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

function selectFlows(all: Flow[], wanted: string[] | undefined): Flow[] {
  if (!wanted) return dependencyOrder(all);
  const byId = new Map(all.map((flow) => [flow.id as string, flow]));
  const chosen = new Map<string, Flow>();
  const add = (id: string) => {
    if (chosen.has(id)) return;
    const flow = byId.get(id);
    if (!flow) throw new AppError('E_NOT_FOUND', `No flow with id ${id}.`);
    chosen.set(id, flow);
    flow.dependsOn.forEach(add);
  };
  wanted.forEach(add);
  return dependencyOrder([...chosen.values()]);
}

function bundleConnection(connection: Connection, ref: string): BundleConnection {
  const keys = [...new Set([...secretKeysOf(connection.system, connection.settings), ...connection.secretsSet])];
  return {
    id: connection.id,
    ref,
    system: connection.system,
    name: connection.name,
    settings: connection.settings,
    secretSlots: keys.map((key) => ({ slot: `${ref}.${key}`, key })),
    sandbox: connection.sandbox,
    ...(connection.sandbox ? { sandboxFile: sandboxFileFor(connection) } : {}),
  };
}

function bundleMapping(
  context: BackendContext,
  mapping: Mapping,
  flow: Flow,
  bundled: ReadonlySet<string>,
): BundleMapping {
  const schemaHash = (connectionId: string, entity: string) =>
    context.store.connectionCaches.schemaHash(connectionId, entity);
  const source = schemaHash(flow.source.connectionId, mapping.sourceEntity);
  const target = schemaHash(flow.target.connectionId, mapping.targetEntity);
  // The mapped fields of each cached schema, so a server can name what drifted (a hash only says that something did).
  // Read synchronously from the desktop's SQLite store (export builds the bundle in one go).
  const caches = context.store.connectionCaches;
  const snapshot = (side: 'source' | 'target', connectionId: string, entity: string) => {
    const schema = parseCachedSchema(caches.schema(connectionId, entity));
    if (!schema) return undefined;
    try {
      return snapshotOf(schema, mappedFieldPaths(mapping, side, schema));
    } catch {
      return undefined; // A graph that does not index (it fails validation on its own) has no snapshot.
    }
  };
  const snapshots = {
    source: snapshot('source', flow.source.connectionId, mapping.sourceEntity),
    target: snapshot('target', flow.target.connectionId, mapping.targetEntity),
  };
  let sourceMap: BundleMapping['sourceMap'];
  if (mapping.graph && mapping.expression.startsWith(generatedMarker)) {
    try {
      sourceMap = compileGraph(mapping.graph).sourceMap;
    } catch {
      sourceMap = undefined;
    }
  }
  return {
    id: mapping.id,
    name: mapping.name,
    sourceEntity: mapping.sourceEntity,
    ...(mapping.sourceLines ? { sourceLines: mapping.sourceLines } : {}),
    targetEntity: mapping.targetEntity,
    // The connections it was drawn against when the bundle brings them along, else those of the flow
    // that runs it: either way ones an import creates, so the designer opens it where it runs.
    sourceConnectionId: drawnOrRun(mapping.sourceConnectionId, flow.source.connectionId, bundled),
    targetConnectionId: drawnOrRun(mapping.targetConnectionId, flow.target.connectionId, bundled),
    ...(mapping.graph === undefined ? {} : { graph: mapping.graph }),
    expression: mapping.expression,
    hash: mapping.hash,
    ...(sourceMap ? { sourceMap } : {}),
    schemaHashes: { ...(source ? { source } : {}), ...(target ? { target } : {}) },
    ...(snapshots.source || snapshots.target
      ? {
          schemaSnapshots: {
            ...(snapshots.source ? { source: snapshots.source } : {}),
            ...(snapshots.target ? { target: snapshots.target } : {}),
          },
        }
      : {}),
  };
}

function drawnOrRun(
  drawn: Mapping['sourceConnectionId'],
  run: Flow['source']['connectionId'],
  bundled: ReadonlySet<string>,
): Flow['source']['connectionId'] {
  return drawn !== null && bundled.has(drawn) ? drawn : run;
}

function lookupTables(mapping: Mapping): BundleLookupTable[] {
  if (!mapping.graph) return [];
  return mapping.graph.nodes.flatMap((node) =>
    node.kind === 'valueMap'
      ? [{ mappingId: mapping.id, nodeId: node.id, entries: node.data.entries, fallback: node.data.fallback }]
      : [],
  );
}

/**
 * Explicit samples first, then — only when asked for — recent distinct records the mapping's
 * current version transformed. Those are real customer records, so none by default.
 */
async function collectSamples(
  context: BackendContext,
  mappings: Mapping[],
  flows: Flow[],
  input: ExportInput,
): Promise<BundleSample[]> {
  const samples: BundleSample[] = [];
  const perMapping = input.samplesPerMapping ?? 0;
  for (const mapping of mappings) {
    const inputs: Array<{ name: string; input: unknown }> = (input.samples ?? [])
      .filter((sample) => sample.mappingId === mapping.id)
      .map((sample, index) => ({ name: sample.name ?? `Sample ${index + 1}`, input: sample.input }));
    const flowIds =
      perMapping > 0 ? flows.filter((flow) => flow.mappingId === mapping.id).map((flow) => flow.id as string) : [];
    const seen = new Set<string>();
    const limit = inputs.length + perMapping;
    for (const flowId of flowIds) {
      for (const row of context.store.audit.recentInputs(flowId, mapping.hash, 200)) {
        if (inputs.length >= limit || seen.has(row.sourceKey)) continue;
        seen.add(row.sourceKey);
        inputs.push({ name: `Record ${row.sourceKey}`, input: row.payload });
      }
    }
    if (inputs.length === 0) continue;
    const results = await evaluateIsolated(
      mapping.expression,
      inputs.map((sample) => sample.input),
      { bindings: sampleBindings },
    );
    inputs.forEach((sample, index) => {
      const result = results[index]!;
      // A record the mapping fails on is no sample of what it should produce.
      if (result.ok)
        samples.push({ mappingId: mapping.id, name: sample.name, input: sample.input, expected: result.value ?? null });
    });
  }
  return samples;
}

interface VaultSecret {
  value: string;
  slot: string;
  connection: string;
}

function vaultSecrets(context: BackendContext, connectionId: string): VaultSecret[] {
  const connection = context.connections.get(connectionId);
  return Object.entries(context.vault.getAll(connectionId))
    .filter(([, value]) => value.trim() !== '')
    .map(([slot, value]) => ({ value, slot, connection: connection?.name ?? connectionId }));
}

/** Shorter secrets only count as a whole value: as a substring they would match ordinary text by chance. */
const embeddedSecretLength = 8;

/**
 * Every string in the bundle that is, or (for secrets long enough to tell) contains, a secret
 * value of an exported connection. Paths as `findSecrets` writes them; values never leave here.
 */
export function findSecretValues(
  body: unknown,
  secrets: readonly VaultSecret[],
): Array<{ path: string; slot: string; connection: string }> {
  const findings: Array<{ path: string; slot: string; connection: string }> = [];
  if (secrets.length === 0) return findings;
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      const secret = secrets.find(
        (candidate) =>
          value === candidate.value ||
          (candidate.value.length >= embeddedSecretLength && value.includes(candidate.value)),
      );
      if (secret) findings.push({ path, slot: secret.slot, connection: secret.connection });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value as Record<string, unknown>))
        visit(item, path ? `${path}.${key}` : key);
    }
  };
  visit(body, '');
  return findings;
}
