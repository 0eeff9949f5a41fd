/**
 * Sandbox kit: the shared base of every simulator (Infor now; Zoho, Salesforce, Zendesk,
 * Dataverse and Cin7 later). A simulator never re-implements HTTP plumbing, fault
 * injection, quotas, counters, the clock or the control API.
 *
 * How a new simulator plugs in:
 *   1. `const server = createSandboxServer({ system: 'zoho', port, seed, onExpireTokens, extraStats })`.
 *   2. Register its API with `server.route({ method, pattern: '/crm/v8/:module', name: 'Zoho list', handler })`.
 *      Handlers answer with `context.json / text / empty`; `context.fault?.effect` carries
 *      simulator-specific fault effects; `context.clock.now()` is "now". Token endpoints pass
 *      `metered: false` so the gateway quota does not count them.
 *   3. Register control actions (`server.action('modify', args => …)`): they appear as
 *      `POST /__sandbox/actions/{name}` and as `server.control.action(name, args)`; wrap them in
 *      typed methods on the simulator's own control object.
 *   4. Generate records with `recordRandom(seed, stream, index)` so data is a pure function
 *      of (seed, index) and keep only modifications in memory (see `keyed-dataset.ts`).
 *   5. `await server.listen()`; expose `server.url`, `server.control`, `server.close()`, and
 *      add one line to `sandbox/registry.ts` so `mlc sandbox` starts it.
 *
 * Control API (loopback only, no auth, never counted, faulted or quota'd), JSON bodies:
 *   GET /__sandbox · GET /__sandbox/stats · POST /__sandbox/stats/reset
 *   GET|DELETE /__sandbox/requests (method, path, headers of each call, credentials masked)
 *   GET|PUT|POST|DELETE /__sandbox/faults (PUT replaces with `FaultRule[]`, POST adds one)
 *   PUT|DELETE /__sandbox/quota `{perWindow, windowMs, retryAfter?}`
 *   GET|PUT /__sandbox/clock `{now?: ISO|ms|null, advanceMs?}`
 *   PUT|DELETE /__sandbox/redirects `{pathPrefix, location}`
 *   POST /__sandbox/actions/{name} (simulator-specific)
 *
 * Order of effects per call: redirect → quota (429) → fault rules (latency, expireTokens,
 * reset, hang, status, malformed) → the route (404/405 when none matches).
 */
export { createClock, type SandboxClock } from './clock';
export { type SandboxAction, type SandboxControl } from './control';
export { type FaultDecision, type FaultRule } from './faults';
export { type QuotaSettings } from './quota';
export { createRandom, hash32, recordRandom, uuidFrom, type Random } from './random';
export { type RouteDefinition, type SandboxContext } from './router';
export {
  createSandboxServer,
  type SandboxServer,
  type SandboxServerOptions,
  type SimulatorContext,
} from './sandbox-server';
export { type RouteStats, type SandboxStats } from './stats';
export { type RecordedRequest } from './request-log';
export { KeyedDataset, type DatasetScan } from './keyed-dataset';
export { countAlive, revokeAll, type IssuedToken } from './tokens';
