import type { z } from 'zod';
import { appEvents, appMethods } from './app.contract';
import { connectionEvents, connectionMethods } from './connections.contract';
import { syncEvents, syncMethods } from './sync.contract';
import { connectorMethods } from './connectors.contract';
import { schemaMethods } from './schemas.contract';
import { bundleMethods } from './bundles.contract';
import { sandboxMethods } from './sandbox.contract';
import { sampleMethods } from './samples.contract';

/**
 * The one contract every transport speaks. Areas keep their methods in
 * `<area>.contract.ts`; add them here and the backend's handler table stops
 * compiling until it implements them.
 */
export const methods = {
  ...appMethods,
  ...connectionMethods,
  ...connectorMethods,
  ...schemaMethods,
  ...syncMethods,
  ...sandboxMethods,
  ...sampleMethods,
  ...bundleMethods,
};

export const events = {
  ...appEvents,
  ...connectionEvents,
  ...syncEvents,
};

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
