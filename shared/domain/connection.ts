import { z } from 'zod';

export const systemIds = ['infor', 'zoho', 'salesforce', 'zendesk', 'dynamics', 'cin7'] as const;
export const systemIdSchema = z.enum(systemIds);
export type SystemId = z.infer<typeof systemIdSchema>;

export const systemLabels: Record<SystemId, string> = {
  infor: 'Infor CloudSuite',
  zoho: 'Zoho CRM',
  salesforce: 'Salesforce',
  zendesk: 'Zendesk Support',
  dynamics: 'Dynamics 365 Sales',
  cin7: 'Cin7 Core',
};

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
