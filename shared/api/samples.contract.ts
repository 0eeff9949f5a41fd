import { z } from 'zod';
import { connectionIdSchema } from '../domain/connection';
import { method } from './define';

/** Plain JSON as connectors normalise records (what mappings read). */
const jsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

export const sampleRecordSchema = z.object({
  /** The record's key in the source system (`C0000001`). */
  key: z.string(),
  /** Normalised plain JSON, exactly what the mapping reads at run time. */
  data: z.record(z.string(), jsonValueSchema),
});
export type SampleRecord = z.infer<typeof sampleRecordSchema>;

export const sampleMethods = {
  'samples.fetch': method({
    summary: 'The first live records of an entity (first pages only), for the mapping preview.',
    input: z
      .object({
        connectionId: connectionIdSchema,
        entity: z.string().min(1).max(200),
        limit: z.number().int().min(1).max(1000).default(50),
      })
      .strict(),
    output: z.object({
      records: z.array(sampleRecordSchema).describe('In the order the source’s pages returned them.'),
      calls: z.number().int().nonnegative(),
    }),
  }),
};
