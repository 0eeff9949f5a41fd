import { z } from 'zod';
import { bundleVersion } from './bundle.schema';

/**
 * Older bundle formats and the steps that lift them to the current one. Each
 * step takes a checked bundle of version `from` and returns one of version
 * `to` without a content hash: the loader verified the old file's own hash
 * before migrating and stamps a fresh one after.
 */
export interface BundleMigration {
  from: number;
  to: number;
  /** Where that version kept its integrity hash (same scheme: SHA-256 over canonical JSON of the other fields). */
  hashField: string;
  migrate(raw: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Version 0: the preview exports (app 0.0.x). Connections listed secret names as
 * plain strings, mappings nested source/target and called the expression
 * `jsonata`, samples said `mapping`/`output`, versions were top-level strings and
 * the hash was `checksum`. There were no lookup tables or source maps.
 */
const v0Schema = z.object({
  format: z.literal('mlc-bundle'),
  version: z.literal(0),
  name: z.string().optional(),
  exportedAt: z.string(),
  appVersion: z.string(),
  jsonataVersion: z.string(),
  connections: z.array(
    z.object({
      id: z.string(),
      system: z.string(),
      name: z.string(),
      settings: z.record(z.string(), z.unknown()),
      secrets: z.array(z.string()),
      sandbox: z.boolean().optional(),
    }),
  ),
  mappings: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      source: z.object({ entity: z.string(), schemaHash: z.string().optional() }),
      target: z.object({ entity: z.string(), schemaHash: z.string().optional() }),
      graph: z.unknown().optional(),
      jsonata: z.string(),
      hash: z.string(),
    }),
  ),
  flows: z.array(z.record(z.string(), z.unknown())),
  samples: z
    .array(z.object({ mapping: z.string(), name: z.string().optional(), input: z.unknown(), output: z.unknown() }))
    .default([]),
  checksum: z.string(),
});

/** A lowercase name for slots and env variables, unique within the bundle. */
export function connectionRef(base: string, taken: Set<string>): string {
  const stem =
    base
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'connection';
  let ref = stem;
  for (let index = 2; taken.has(ref); index += 1) ref = `${stem}-${index}`;
  taken.add(ref);
  return ref;
}

const v0ToV1: BundleMigration = {
  from: 0,
  to: 1,
  hashField: 'checksum',
  migrate(raw) {
    const old = v0Schema.parse(raw);
    const taken = new Set<string>();
    const connections = old.connections.map((connection) => {
      const ref = connectionRef(connection.system, taken);
      return {
        id: connection.id,
        ref,
        system: connection.system,
        name: connection.name,
        settings: connection.settings,
        secretSlots: connection.secrets.map((key) => ({ slot: `${ref}.${key}`, key })),
        sandbox: connection.sandbox ?? false,
      };
    });
    const mappings = old.mappings.map((mapping) => ({
      id: mapping.id,
      name: mapping.name,
      sourceEntity: mapping.source.entity,
      targetEntity: mapping.target.entity,
      ...(mapping.graph === undefined ? {} : { graph: mapping.graph }),
      expression: mapping.jsonata,
      hash: mapping.hash,
      schemaHashes: {
        ...(mapping.source.schemaHash ? { source: mapping.source.schemaHash } : {}),
        ...(mapping.target.schemaHash ? { target: mapping.target.schemaHash } : {}),
      },
    }));
    const flows = old.flows.map((flow) => {
      const { createdAt: _created, updatedAt: _updated, ...rest } = flow;
      return rest;
    });
    return {
      format: 'mlc-bundle',
      version: 1,
      name: old.name ?? 'Migrated bundle',
      createdAt: old.exportedAt,
      app: { name: 'ml-connector Studio', version: old.appVersion },
      engine: { jsonata: old.jsonataVersion },
      connections,
      mappings,
      flows,
      lookupTables: [],
      samples: old.samples.map((sample, index) => ({
        mappingId: sample.mapping,
        name: sample.name ?? `Sample ${index + 1}`,
        input: sample.input,
        expected: sample.output,
      })),
    };
  },
};

export const bundleMigrations: BundleMigration[] = [v0ToV1];

/** The steps from `version` to the current one, in order; undefined when there is no path. */
export function migrationPath(version: number): BundleMigration[] | undefined {
  const steps: BundleMigration[] = [];
  let at = version;
  while (at < bundleVersion) {
    const step = bundleMigrations.find((candidate) => candidate.from === at);
    if (!step) return undefined;
    steps.push(step);
    at = step.to;
  }
  return steps;
}

const drawnKeys = ['sourceConnectionId', 'targetConnectionId'] as const;

/**
 * Bundles written before mappings had connection fields (any version) carry the
 * connections a mapping was drawn against as two extra keys inside its graph.
 * They move to the mapping's own fields, kept only when they name one of the
 * bundle's connections (the only ones an import brings along), and leave the
 * graph. The file's hash was checked before; this changes no design, so it
 * does not re-stamp one.
 */
export function liftDrawnConnections(bundle: Record<string, unknown>): Record<string, unknown> {
  const { mappings, connections } = bundle;
  if (!Array.isArray(mappings)) return bundle;
  const known = new Set(
    Array.isArray(connections) ? connections.map((connection) => (connection as { id?: unknown } | null)?.id) : [],
  );
  let changed = false;
  const lifted = mappings.map((mapping: unknown) => {
    if (
      !isRecord(mapping) ||
      !isRecord(mapping.graph) ||
      !drawnKeys.some((key) => key in (mapping.graph as Record<string, unknown>))
    )
      return mapping;
    const { sourceConnectionId, targetConnectionId, ...graph } = mapping.graph;
    const drawn = { sourceConnectionId, targetConnectionId };
    const fields: Record<string, unknown> = {};
    for (const key of drawnKeys) {
      const id = drawn[key];
      if (mapping[key] === undefined && typeof id === 'string' && id !== '' && known.has(id)) fields[key] = id;
    }
    changed = true;
    return { ...mapping, ...fields, graph };
  });
  return changed ? { ...bundle, mappings: lifted } : bundle;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}
