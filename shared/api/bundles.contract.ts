import { z } from 'zod';
import { connectionIdSchema } from '../domain/connection';
import { flowIdSchema, mappingIdSchema } from '../domain/flow';
import { errorCodes } from '../errors';
import { bundleMaxBytes } from '../bundle/bundle.schema';
import { method } from './define';

/** One thing wrong with a bundle, with where it is (a JSON path) when that helps. */
export const bundleProblemSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  path: z.string().optional(),
});
export type BundleProblem = z.infer<typeof bundleProblemSchema>;

export const bundleCheckSchema = z.object({
  ok: z.boolean(),
  name: z.string().nullable(),
  contentHash: z.string().nullable(),
  version: z.number().int().nullable(),
  /** The version the file had when it was older and got migrated. */
  migratedFrom: z.number().int().nullable(),
  problems: z.array(bundleProblemSchema),
  warnings: z.array(z.string()),
  counts: z.object({ connections: z.number().int(), mappings: z.number().int(), flows: z.number().int() }),
  samples: z.object({ passed: z.number().int(), failed: z.number().int() }),
  /** Every secret slot the bundle names (values are never in a bundle). */
  secretSlots: z.array(z.string()),
});
export type BundleCheck = z.infer<typeof bundleCheckSchema>;

const bundleText = z.string().min(2).max(bundleMaxBytes);

/** One mapping or flow of an import and what happened to it. */
export const bundleImportItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['created', 'updated', 'kept']),
});
export type BundleImportItem = z.infer<typeof bundleImportItemSchema>;

export const bundleMethods = {
  'bundles.export': method({
    summary: 'Export flows with their mappings and connections (no secrets) as one bundle file.',
    input: z
      .object({
        name: z.string().min(1).max(200).optional(),
        description: z.string().max(2000).optional(),
        /** Flows to export (their dependencies come along); default: every flow. */
        flowIds: z.array(flowIdSchema).optional(),
        /**
         * Real records per mapping taken from the audit log (customer data), with the output they
         * give now, to check the bundle later. Opt-in: none unless asked for.
         */
        samplesPerMapping: z.number().int().min(0).max(20).default(0),
        /** Explicit sample inputs; their expected outputs are computed now. */
        samples: z
          .array(
            z
              .object({ mappingId: mappingIdSchema, name: z.string().min(1).max(200).optional(), input: z.unknown() })
              .strict(),
          )
          .optional(),
      })
      .strict(),
    output: z.object({
      fileName: z.string(),
      content: z.string(),
      contentHash: z.string(),
      secretSlots: z.array(z.string()),
    }),
  }),
  'bundles.validate': method({
    summary: 'Check a bundle: format, hash, secrets, JSONata version, every mapping compiles, samples still match.',
    input: z.object({ content: bundleText }).strict(),
    output: bundleCheckSchema,
  }),
  'bundles.import': method({
    summary: 'Validate and import a bundle: mappings and flows are saved; connections are created or kept.',
    input: z
      .object({
        content: bundleText,
        /** `keep`: an existing connection with the same id keeps its settings; `replace`: the bundle's settings win. */
        connections: z.enum(['keep', 'replace']).default('keep'),
      })
      .strict(),
    output: z.object({
      check: bundleCheckSchema,
      connections: z
        .array(
          z.object({
            id: connectionIdSchema,
            name: z.string(),
            status: z.enum(['created', 'updated', 'kept']),
            missingSecrets: z.array(z.string()),
          }),
        )
        .describe('In the bundle’s order.'),
      mappings: z.number().int(),
      flows: z.number().int(),
      /** Per mapping and flow: `created` (new here), `updated` (changed) or `kept` (already identical, left untouched). */
      items: z
        .object({ mappings: z.array(bundleImportItemSchema), flows: z.array(bundleImportItemSchema) })
        .describe('Each list in the bundle’s order.'),
    }),
  }),
};
