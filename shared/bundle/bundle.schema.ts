import { z } from 'zod';
import { fieldTypeSchema } from '../domain/entity-schema';
import { connectionIdSchema, connectionSettingsSchema, systemIdSchema } from '../domain/connection';
import { flowSchema, mappingIdSchema, mappingSchema } from '../domain/flow';

/**
 * A mapping bundle: everything a headless runtime needs to run the same flows
 * the designer built — except secrets, which stay named slots. One JSON file
 * (`*.mlcbundle`); `schemas/mlc-bundle.schema.json` is generated from this.
 */
export const bundleFormat = 'mlc-bundle';
/** Current format version; older versions are migrated on import (bundle-migrations.ts). */
export const bundleVersion = 1;
/**
 * One extension, so the desktop app can own it: Windows associates by the last extension only,
 * and `.mlcbundle.json` would mean taking over every `.json` file. JSON inside all the same.
 */
export const bundleFileSuffix = '.mlcbundle';
/** The name exports had before; still read everywhere a bundle is. */
export const legacyBundleFileSuffix = '.mlcbundle.json';
/** Largest bundle text the contract accepts (`bundles.validate`, `bundles.import`). */
export const bundleMaxBytes = 50_000_000;
/** A file name a bundle may have: the current or the older extension, any case. */
export function isBundleFileName(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return lower.endsWith(bundleFileSuffix) || lower.endsWith(legacyBundleFileSuffix);
}

/** `ref.key`: a bundle-wide slot name, e.g. `zoho.refresh_token` (env `MLC_SECRET_ZOHO_REFRESH_TOKEN`). */
export const secretSlotNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*\.[A-Za-z0-9_-]+$/, 'A slot is named "<connection ref>.<secret>".');

export const bundleSecretSlotSchema = z
  .object({
    /** Bundle-wide name the runtime resolves (env, secrets file, keyring). */
    slot: secretSlotNameSchema,
    /** The connector's own name for the secret (`client_secret`, `refresh_token`). */
    key: z.string().min(1).max(64),
    /** Where the value comes from, in words, for whoever sets up the server. */
    description: z.string().max(300).optional(),
  })
  .strict();
export type BundleSecretSlot = z.infer<typeof bundleSecretSlotSchema>;

export const bundleConnectionSchema = z
  .object({
    id: connectionIdSchema,
    /** Short lowercase name used in slot names, env variables and settings overrides. */
    ref: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/),
    system: systemIdSchema,
    name: z.string().min(1).max(200),
    /** Non-secret settings as designed; a server overrides them per ref (settings file or env). */
    settings: connectionSettingsSchema,
    secretSlots: z.array(bundleSecretSlotSchema),
    sandbox: z.boolean(),
    /** For sandbox connections: the file `mlc sandbox` writes into `<data dir>/sandbox/` that binds this connection. */
    sandboxFile: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .optional(),
  })
  .strict();
export type BundleConnection = z.infer<typeof bundleConnectionSchema>;

export const spanSchema = z.object({ start: z.number().int(), end: z.number().int() }).strict();

export const bundleSourceMapFieldSchema = z
  .object({
    target: z.string(),
    span: spanSchema,
    nodes: z.array(z.object({ nodeId: z.string(), spans: z.array(spanSchema) }).strict()),
  })
  .strict();

/**
 * A mapped field as the bundle recorded it at export: enough of the schema to tell, on a server,
 * that a field the mapping reads or writes disappeared or changed type. Nested members keep their
 * parents so paths mean the same as in the live schema.
 */
export interface SnapshotField {
  name: string;
  type: z.infer<typeof fieldTypeSchema>;
  required?: boolean;
  readOnly?: boolean;
  maxLength?: number;
  children?: SnapshotField[];
}

export const snapshotFieldSchema: z.ZodType<SnapshotField> = z.lazy(() =>
  z
    .object({
      name: z.string().min(1),
      type: fieldTypeSchema,
      required: z.boolean().optional(),
      readOnly: z.boolean().optional(),
      maxLength: z.number().int().positive().optional(),
      children: z.array(snapshotFieldSchema).optional(),
    })
    .strict(),
);

export const schemaSnapshotsSchema = z
  .object({ source: z.array(snapshotFieldSchema).optional(), target: z.array(snapshotFieldSchema).optional() })
  .strict();
export type SchemaSnapshots = z.infer<typeof schemaSnapshotsSchema>;

/** A saved mapping (shared/domain/flow.ts) plus what a server needs to check it. */
export const bundleMappingSchema = mappingSchema
  .omit({ updatedAt: true })
  .extend({
    /**
     * The bundle connections (by `id`) the mapping was drawn against: the designer opens it on
     * them after an import. Absent in bundles written before mappings had them (bundle-load.ts
     * lifts them out of such graphs), and when unknown.
     */
    sourceConnectionId: connectionIdSchema.optional(),
    targetConnectionId: connectionIdSchema.optional(),
    /** Target field → graph nodes → JSONata spans, when compiled from a graph. */
    sourceMap: z.array(bundleSourceMapFieldSchema).optional(),
    /** Schema hashes of both sides when the mapping was exported (drift shows as a warning). */
    schemaHashes: z.object({ source: z.string().optional(), target: z.string().optional() }).strict(),
    /**
     * The mapped fields of each side's schema at export (absent in older bundles, and for a side whose
     * schema was never fetched): `mlc validate --live-schemas` and `mlc run` compare them with the live schemas.
     */
    schemaSnapshots: schemaSnapshotsSchema.optional(),
  })
  .strict();
export type BundleMapping = z.infer<typeof bundleMappingSchema>;

export const bundleFlowSchema = flowSchema.omit({ createdAt: true, updatedAt: true }).strict();
export type BundleFlow = z.infer<typeof bundleFlowSchema>;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A value map of a mapping, listed on its own so a reviewer sees every translation at a glance. */
export const bundleLookupTableSchema = z
  .object({
    mappingId: mappingIdSchema,
    /** The graph node holding it. */
    nodeId: z.string().min(1),
    entries: z.array(z.object({ from: z.string(), to: scalar }).strict()),
    fallback: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }).strict(),
      z.object({ kind: z.literal('input') }).strict(),
      z.object({ kind: z.literal('constant'), value: scalar }).strict(),
    ]),
  })
  .strict();
export type BundleLookupTable = z.infer<typeof bundleLookupTableSchema>;

/** `$lookupRef(entity, key)` answers this in samples, so expected outputs never depend on a target's ids. */
export const sampleReferencePrefix = 'ref:';

/**
 * What `$lookupId(entity, field, value)` and `$parentId()` answer where no target is at hand
 * (previews, bundle samples): placeholders naming what the run will look up, `ref:pricelevel/name=Retail`
 * and `ref:parent`, so samples never depend on a target's ids.
 */
export const placeholderIdBindings = {
  lookupId: (entity: unknown, field: unknown, value: unknown): string | null =>
    value === undefined || value === null || value === ''
      ? null
      : `${sampleReferencePrefix}${String(entity)}/${String(field)}=${String(value)}`,
  parentId: (): string => `${sampleReferencePrefix}parent`,
};

export const bundleSampleSchema = z
  .object({
    mappingId: mappingIdSchema,
    name: z.string().min(1).max(200),
    /** A normalised source record, as the engine feeds it to the mapping. */
    input: z.unknown(),
    /** What the mapping produced for it at export (`null` = skipped). */
    expected: z.unknown(),
  })
  .strict();
export type BundleSample = z.infer<typeof bundleSampleSchema>;

export const bundleSchema = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(bundleFormat),
    version: z.literal(bundleVersion),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    /**
     * When it was exported, in bundles written before exports became reproducible; new exports
     * leave it out so the same workspace exported twice gives the same bytes (bundles in git).
     */
    createdAt: z.string().optional(),
    app: z.object({ name: z.string(), version: z.string() }).strict(),
    /** The JSONata release the expressions were written and sampled with. */
    engine: z.object({ jsonata: z.string().regex(/^\d+\.\d+\.\d+/) }).strict(),
    connections: z.array(bundleConnectionSchema),
    mappings: z.array(bundleMappingSchema),
    flows: z.array(bundleFlowSchema),
    lookupTables: z.array(bundleLookupTableSchema),
    samples: z.array(bundleSampleSchema),
    /** `sha256:<hex>` over the canonical JSON of every other field (`$schema` excluded). */
    contentHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  })
  .strict();
export type Bundle = z.infer<typeof bundleSchema>;

/** The part the content hash covers. */
export function hashedPart(bundle: Record<string, unknown>): Record<string, unknown> {
  const { contentHash: _hash, $schema: _schema, ...rest } = bundle;
  return rest;
}
