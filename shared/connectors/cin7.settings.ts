import { z } from 'zod';

/**
 * Cin7 Core (formerly DEAR Inventory) connection settings (API-FACTS §6). The
 * API lives on one fixed host; keys come from Integrations → API in the Cin7
 * Core web app, one "API Application" per integration.
 */
export const cin7DefaultBaseUrl = 'https://inventory.dearsystems.com/ExternalApi/v2';
export const cin7Hosts = ['inventory.dearsystems.com'];

/** 60 calls per minute per API application (API-FACTS §6.3). */
export const cin7CallsPerMinute = 60;

export const cin7SettingsSchema = z.object({
  /** Real connections keep the default; sandbox connections point at the simulator on 127.0.0.1. */
  baseUrl: z
    .string()
    .trim()
    .url('Enter a full URL, e.g. https://inventory.dearsystems.com/ExternalApi/v2')
    .refine(
      (value) => value.startsWith('https://') || value.startsWith('http://127.0.0.1'),
      'Cin7 Core is reached over https (plain http only for the local sandbox).',
    )
    .default(cin7DefaultBaseUrl),
  /**
   * When a record carries no known Cin7 ID, look the supplier or customer up by
   * its exact Name before creating it. Off: records without an ID are always created
   * (Cin7 then refuses duplicates by name).
   */
  matchByName: z.boolean().default(true),
  /** Lower it when another integration shares the same API application. */
  rateLimitPerMinute: z
    .number()
    .int('Use a whole number of calls per minute.')
    .min(1, 'At least 1 call per minute.')
    .max(cin7CallsPerMinute, `Cin7 Core allows at most ${cin7CallsPerMinute} calls per minute per API application.`)
    .default(cin7CallsPerMinute),
});
export type Cin7Settings = z.infer<typeof cin7SettingsSchema>;

export const cin7SecretsSchema = z.object({
  accountId: z
    .string()
    .trim()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      'The Account ID is a GUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6 (Integrations → API in Cin7 Core).',
    ),
  applicationKey: z
    .string()
    .trim()
    .min(1, 'Paste the Application Key of your API application (Integrations → API in Cin7 Core).'),
});
export const cin7SecretSlots = ['accountId', 'applicationKey'] as const;
