import type { SandboxServer, SimulatorContext } from '../kit';
import type { ZohoApiOptions } from './zoho-api';
import type { ZohoFieldChanges } from './zoho-field-changes';
import { zohoModuleByName, type ZohoModuleSpec } from './zoho-modules';
import type { ZohoStore } from './zoho-store';

/**
 * What every Zoho CRM route shares: Zoho's top-level error answer, the JSON content-type test and the
 * module the path names. The routes are split by what they serve (zoho-metadata, zoho-records,
 * zoho-search, zoho-writes); ZohoApi (zoho-api.ts) registers them behind its limits.
 */

/** The state the routes read and change; ZohoApi owns it. */
export interface ZohoApiState {
  server: SandboxServer;
  store: ZohoStore;
  options: ZohoApiOptions;
  /** Page tokens handed out, by token. */
  cursors: Map<string, PageCursor>;
  /** Largest `data` array each module's writes carried (tests check batch limits with it). */
  largestBatch: Map<string, number>;
  /** Custom fields an admin deleted or retyped in Setup (control action `changeField`). */
  fieldChanges: ZohoFieldChanges;
}

export interface PageCursor {
  module: string;
  userId: string;
  offset: number;
  sortBy: string;
  sortOrder: string;
  since?: number;
  expiresAt: number;
}

export const zohoError = (
  context: SimulatorContext,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
) => context.json(status, { code, details, message, status: 'error' });

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export const isJsonContentType = (value: string | undefined) =>
  /^application\/json\s*(;|$)/i.test((value ?? '').trim());

export function requestedModule(
  state: Pick<ZohoApiState, 'fieldChanges'>,
  context: SimulatorContext,
  name = context.params.module ?? '',
): ZohoModuleSpec | undefined {
  const spec = zohoModuleByName.get(name);
  if (!spec || spec.subform) {
    zohoError(context, 400, 'INVALID_MODULE', 'the module name given seems to be invalid', {});
    return undefined;
  }
  return state.fieldChanges.module(spec);
}
