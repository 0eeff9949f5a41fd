import { z } from 'zod';
import { connectionSchema, systemIdSchema } from '../domain/connection';
import { method } from './define';

/** One simulator the backend runs on 127.0.0.1; `url` also serves the control API under `/__sandbox/`. */
export const sandboxSimulatorSchema = z.object({
  system: systemIdSchema,
  url: z.string(),
});

export const sandboxWorkspaceSchema = z.object({
  /** True when this call started the simulators; false when they were already running. */
  started: z.boolean(),
  systems: z.array(
    sandboxSimulatorSchema.extend({
      connection: connectionSchema,
      /** True when the connection was created now; false when an existing one was reused or refreshed. */
      created: z.boolean(),
    }),
  ),
});
export type SandboxWorkspace = z.infer<typeof sandboxWorkspaceSchema>;

export const sandboxMethods = {
  'sandbox.openWorkspace': method({
    summary: 'Start the simulators of every system (once) and create or refresh one sandbox connection per system.',
    input: z.object({}).strict(),
    output: sandboxWorkspaceSchema,
  }),
  'sandbox.status': method({
    summary: 'Whether the sandbox simulators run in this backend, and where.',
    input: z.object({}).strict(),
    output: z.object({ running: z.boolean(), simulators: z.array(sandboxSimulatorSchema) }),
  }),
};
