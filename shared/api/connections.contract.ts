import { z } from 'zod';
import { connectionIdSchema, connectionSchema } from '../domain/connection';
import { errorCodes } from '../errors';
import { method } from './define';

/** Where a browser sign-in stands; `signedIn` means the new refresh token is stored. */
export const signInStatusSchema = z.object({
  signInId: z.string(),
  connectionId: connectionIdSchema,
  status: z.enum(['waiting', 'signedIn', 'failed', 'cancelled', 'timedOut']),
  error: z.object({ code: z.enum(errorCodes), message: z.string() }).optional(),
});
export type SignInStatus = z.infer<typeof signInStatusSchema>;
const signInIdSchema = z.string().min(1).max(100);

export const connectionMethods = {
  'connections.list': method({
    summary: 'All saved connections, without secrets.',
    input: z.object({}).strict(),
    output: z
      .array(connectionSchema)
      .describe('In creation order (a store sequence: connections made in one millisecond keep their order).'),
  }),
  'connections.signIn': method({
    summary:
      'Start a browser sign-in (authorization code with PKCE, RFC 8252): answers the URL to open; a loopback redirect on 127.0.0.1 finishes it within 5 minutes.',
    input: z.object({ id: connectionIdSchema }).strict(),
    output: z.object({
      signInId: signInIdSchema,
      connectionId: connectionIdSchema,
      authorizeUrl: z.string().url(),
      redirectUri: z.string().url(),
      expiresAt: z.string().describe('ISO time the sign-in stops waiting.'),
    }),
  }),
  'connections.signInStatus': method({
    summary: 'Where a browser sign-in stands (also pushed as the connections.signIn event).',
    input: z.object({ signInId: signInIdSchema }).strict(),
    output: signInStatusSchema,
  }),
  'connections.cancelSignIn': method({
    summary: 'Stop waiting for a browser sign-in; its loopback port closes.',
    input: z.object({ signInId: signInIdSchema }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'connections.remove': method({
    summary: 'Delete a connection and its stored secrets.',
    input: z.object({ id: connectionIdSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
  }),
};

export const connectionEvents = {
  'connections.changed': z.object({ ids: z.array(connectionIdSchema) }),
  'connections.signIn': signInStatusSchema,
};
