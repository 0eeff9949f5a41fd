import { z } from 'zod';
import { connectionIdSchema, connectionSchema, connectionSettingsSchema, systemIdSchema } from '../domain/connection';
import { entitySchemaSchema } from '../domain/entity-schema';
import { errorCodes } from '../errors';
import { tenantCheckReportSchema } from '../connectors/infor-check';
import { method } from './define';

export const inforProductLineSchema = z.enum(['m3', 'csi', 'ln', 'fsm']);

/**
 * The largest `.ionapi` file accepted anywhere (drop, picker, API, `mlc infor ping`).
 * Real ones are 1–2 KB; anything this big is the wrong file.
 */
export const ionapiMaxBytes = 100_000;

/** The one wording for a file over `ionapiMaxBytes`, wherever it is caught. */
export function ionapiTooLargeMessage(fileName: string, bytes: number): string {
  return `${fileName} is ${formatKb(bytes)}; an .ionapi file is at most ${formatKb(ionapiMaxBytes)} (real ones are 1–2 KB). Check that you picked the file downloaded from ION API Gateway › Authorized Apps.`;
}

function formatKb(bytes: number): string {
  return bytes >= 1_000_000 ? `${Math.round(bytes / 100_000) / 10} MB` : `${Math.ceil(bytes / 1000)} KB`;
}

/** A connection test gives up after this long in all (sign-in, product-line detection and sample). */
export const connectionTestTimeoutMs = 10_000;

/** Outcome of "Test connection"; never carries a secret. */
export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  tenant: z.string().optional(),
  identity: z.string().optional(),
  variant: z.string().optional(),
  latencyMs: z.number().nonnegative(),
  tokenLifetimeSeconds: z.number().optional(),
  sampleEntity: z.string().optional(),
  sampleCount: z.number().int().nonnegative().optional(),
  callCount: z.number().int().nonnegative().optional(),
  error: z.object({ code: z.enum(errorCodes), message: z.string() }).optional(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

export const entityInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  keyFields: z.array(z.string()),
  readable: z.boolean(),
  writable: z.boolean(),
  incremental: z.boolean(),
  /** The vendor's bulk write path (Bulk API 2.0, UpsertMultiple, Bulk Write): its name and default threshold. */
  bulk: z
    .object({ label: z.string(), threshold: z.number().int().positive(), maxRecords: z.number().int().positive() })
    .optional(),
  /**
   * Write calls this connection allows in flight at once for the entity (the edition's or the API's
   * documented concurrency): a flow's "Writes in flight" defaults to it and never goes above it.
   */
  writeConcurrency: z.number().int().positive().optional(),
});

/** One object a source exposes that could become an entity (Infor: an M3 table, CSI IDO, LN set, FSM class). */
export const catalogEntrySchema = z.object({
  /** The entity id it gets once added (`m3.OCUSMA`). */
  id: z.string(),
  /** Its name in the system (`OCUSMA`, `tcapi.comBusinessPartner/BusinessPartners`). */
  name: z.string(),
  label: z.string(),
  kind: z.string(),
  description: z.string().optional(),
  /** The connection setting value that reads it (Infor `entitySources`). */
  source: z.record(z.string(), z.unknown()),
});
export type CatalogEntryInfo = z.infer<typeof catalogEntrySchema>;

/** Secret values by slot name; write-only: outputs list slot names in `secretsSet`. */
const secretsInputSchema = z.record(z.string().min(1).max(64), z.string().max(20_000));

export const connectorMethods = {
  'connections.importIonapi': method({
    summary: 'Create an Infor connection from the text of an .ionapi file.',
    input: z
      .object({
        fileName: z.string().min(1).max(260),
        // Characters never outnumber UTF-8 bytes; the handler checks the bytes and names the limit.
        content: z
          .string()
          .min(1)
          .max(ionapiMaxBytes, `An .ionapi file is at most ${ionapiMaxBytes / 1000} KB.`),
        name: z.string().min(1).max(200).optional(),
        productLine: inforProductLineSchema.optional(),
        /**
         * When a connection with the same tenant, client id and token endpoint exists:
         * 'ask' fails with E_CONNECTION_EXISTS naming it (the UI then asks), 'create' adds another.
         */
        existing: z.enum(['ask', 'create']).default('create'),
        /** Put the file's credentials and endpoints into this Infor connection instead of creating one. */
        updateId: connectionIdSchema.optional(),
      })
      .strict(),
    output: connectionSchema,
  }),
  'connections.create': method({
    summary: 'Create a connection from settings and secrets (target systems).',
    input: z
      .object({
        system: systemIdSchema,
        name: z.string().min(1).max(200),
        settings: connectionSettingsSchema,
        secrets: secretsInputSchema.default({}),
        sandbox: z.boolean().default(false),
      })
      .strict(),
    output: connectionSchema,
  }),
  'connections.update': method({
    summary: 'Rename a connection, change settings, or set/clear secrets (null clears a slot).',
    input: z
      .object({
        id: connectionIdSchema,
        name: z.string().min(1).max(200).optional(),
        settings: connectionSettingsSchema.optional(),
        secrets: z.record(z.string().min(1).max(64), z.string().max(20_000).nullable()).optional(),
      })
      .strict(),
    output: connectionSchema,
  }),
  'connections.test': method({
    summary:
      'Sign in and read a small sample: tenant, latency, token lifetime, or a precise error. Gives up after connectionTestTimeoutMs.',
    input: z
      .object({
        id: connectionIdSchema,
        /** Lets `connections.cancelTest` stop this test. */
        requestId: z.string().min(1).max(100).optional(),
      })
      .strict(),
    output: connectionTestResultSchema,
  }),
  'connections.cancelTest': method({
    summary: 'Stop a running connection test (it then fails with E_NET_CANCELLED).',
    input: z.object({ requestId: z.string().min(1).max(100) }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'connections.csiConfigurations': method({
    summary:
      'The IDO configurations (sites) an Infor CSI connection can read, from its /configurations, so the person picks one.',
    input: z.object({ id: connectionIdSchema }).strict(),
    output: z.object({ configurations: z.array(z.string()) }),
  }),
  'connections.checkTenant': method({
    summary:
      'Runs the Infor tenant check on a connection (read-only probes of what its reads assume), applies the settings it chose, stores the report with the connection and returns it.',
    input: z.object({ id: connectionIdSchema }).strict(),
    output: tenantCheckReportSchema,
  }),
  'connections.tenantCheck': method({
    summary: 'The last stored Infor tenant check of a connection, or null when none ran.',
    input: z.object({ id: connectionIdSchema }).strict(),
    output: z.object({ report: tenantCheckReportSchema.nullable() }),
  }),
  'schemas.entities': method({
    summary: 'Entities a connection offers, with read/write abilities.',
    input: z.object({ connectionId: connectionIdSchema }).strict(),
    output: z
      .array(entityInfoSchema)
      .describe('In the order the connector’s descriptor declares them (ids are unique).'),
  }),
  'schemas.catalog': method({
    summary:
      'Objects of a source connection that could be read as entities (Infor: M3 tables and MI lists, CSI IDOs, LN entity sets, FSM classes), searched by name.',
    input: z
      .object({
        connectionId: connectionIdSchema,
        search: z.string().max(100).optional(),
        kind: z.string().max(20).optional(),
      })
      .strict(),
    output: z
      .object({ entries: z.array(catalogEntrySchema), complete: z.boolean() })
      .describe('Entries sorted by id; complete is false when more matched than were returned (narrow the search).'),
  }),
  'schemas.addEntity': method({
    summary:
      'Adds a catalogue object as an entity of the connection (stored in its entitySources setting) and returns the entity list.',
    input: z
      .object({
        connectionId: connectionIdSchema,
        /** The catalogue entry's kind and name: the object is verified and described on the live system. */
        kind: z.string().min(1).max(20),
        name: z.string().min(1).max(200),
        /** A name for people instead of the system's (`Items`). */
        label: z.string().min(1).max(120).optional(),
        /** The table an M3 MI list transaction lists (`OCUSMA` for `CRS610MI/LstByNumber`): its change stamps. */
        table: z.string().min(1).max(10).optional(),
        /** FSM: the class's key fields (no public source gives them); a sample of records must show each key once. */
        keys: z.array(z.string().min(1).max(64)).min(1).max(16).optional(),
      })
      .strict(),
    output: z.object({ entity: entityInfoSchema, entities: z.array(entityInfoSchema) }),
  }),
  'schemas.get': method({
    summary: 'Live schema of one entity (cached; refresh to fetch again).',
    input: z
      .object({ connectionId: connectionIdSchema, entity: z.string().min(1).max(200), refresh: z.boolean().optional() })
      .strict(),
    output: entitySchemaSchema,
  }),
};
