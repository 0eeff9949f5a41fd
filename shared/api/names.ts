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
  'connections.signIn': true,
  'connections.signInStatus': true,
  'connections.cancelSignIn': true,
  'schemas.refresh': true,
  'mappings.list': true,
  'mappings.get': true,
  'mappings.save': true,
  'mappings.remove': true,
  'mappings.usage': true,
  'mappings.rename': true,
  'mappings.duplicate': true,
  'mappings.versions': true,
  'mappings.diff': true,
  'mappings.restore': true,
  'flows.list': true,
  'flows.get': true,
  'flows.save': true,
  'flows.remove': true,
  'flows.pause': true,
  'flows.run': true,
  'flows.creditBudget': true,
  'flows.cancel': true,
  'schedules.preview': true,
  'runs.list': true,
  'runs.get': true,
  'runs.replay': true,
  'audit.list': true,
  'audit.export': true,
  'audit.exportFile': true,
  'audit.retention': true,
  'connections.importIonapi': true,
  'connections.create': true,
  'connections.update': true,
  'connections.test': true,
  'connections.cancelTest': true,
  'connections.csiConfigurations': true,
  'connections.checkTenant': true,
  'connections.tenantCheck': true,
  'schemas.entities': true,
  'schemas.get': true,
  'schemas.catalog': true,
  'schemas.addEntity': true,
  'sandbox.openWorkspace': true,
  'sandbox.status': true,
  'samples.fetch': true,
  'bundles.export': true,
  'bundles.validate': true,
  'bundles.import': true,
};

const eventRecord: Record<EventName, true> = {
  'app.notice': true,
  'app.openFile': true,
  'connections.changed': true,
  'connections.signIn': true,
  'sync.progress': true,
  'runs.changed': true,
  'audit.exportProgress': true,
  'flows.changed': true,
};

export const methodNames = Object.keys(methodRecord) as MethodName[];
export const eventNames = Object.keys(eventRecord) as EventName[];
