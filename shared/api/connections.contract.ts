import { z } from 'zod';
import { connectionIdSchema, connectionSchema } from '../domain/connection';
import { method } from './define';

export const connectionMethods = {
  'connections.list': method({
    summary: 'All saved connections, without secrets.',
    input: z.object({}).strict(),
    output: z
      .array(connectionSchema)
      .describe('In creation order (a store sequence: connections made in one millisecond keep their order).'),
  }),
  'connections.remove': method({
    summary: 'Delete a connection and its stored secrets.',
    input: z.object({ id: connectionIdSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
  }),
};

export const connectionEvents = {
  'connections.changed': z.object({ ids: z.array(connectionIdSchema) }),
};
