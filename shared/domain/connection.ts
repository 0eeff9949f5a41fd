import { z } from 'zod';
import { systemCatalog, systemIds } from '../systems/catalog';

/** Derived from the system catalog (`shared/systems/catalog.ts`): one spec per system. */
export { systemIds };
export const systemIdSchema = z.enum(systemIds);
export type SystemId = z.infer<typeof systemIdSchema>;

export const systemLabels = Object.fromEntries(systemCatalog.map((spec) => [spec.id, spec.label])) as Record<
  SystemId,
  string
>;

export const connectionIdSchema = z.string().min(1).max(64).brand<'ConnectionId'>();
export type ConnectionId = z.infer<typeof connectionIdSchema>;

/** Non-secret settings only; secrets live encrypted in the backend store, referenced by slot name. */
export const connectionSettingsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const connectionSchema = z.object({
  id: connectionIdSchema,
  system: systemIdSchema,
  name: z.string().min(1).max(200),
  settings: connectionSettingsSchema,
  /** Names of secrets that are set ("client_secret" …); values never leave the backend. */
  secretsSet: z.array(z.string()),
  sandbox: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Connection = z.infer<typeof connectionSchema>;
