import type { EventName, MethodName } from './contract';

/**
 * The contract's names without zod, for the preload script (which must stay tiny).
 * Typed as exhaustive records so a method added to the contract and not listed
 * here (or listed here and gone from the contract) fails the type check.
 */
const methodRecord: Record<MethodName, true> = {
  'app.info': true,
  'ui.prefs.get': true,
  'ui.prefs.set': true,
  'connections.list': true,
  'connections.remove': true,
};

const eventRecord: Record<EventName, true> = {
  'app.notice': true,
  'connections.changed': true,
};

export const methodNames = Object.keys(methodRecord) as MethodName[];
export const eventNames = Object.keys(eventRecord) as EventName[];
