import { z } from 'zod';
import { errorMessage } from './errors';
import type { SandboxClock } from './clock';
import type { FaultInjector, FaultRule } from './faults';
import type { Quota, QuotaSettings } from './quota';
import { Router, type SandboxContext } from './router';
import type { RecordedRequest, RequestLog } from './request-log';
import type { SandboxStats, StatsRecorder } from './stats';

/** A simulator-specific control action (Infor `modify`, `revokeServiceAccount`, ...): JSON in, JSON out. */
export type SandboxAction = (args: unknown) => unknown;

/** The in-process twin of `/__sandbox/*`. */
export interface SandboxControl {
  stats(): SandboxStats & { extra: Record<string, unknown> };
  resetStats(): void;
  /** API calls as they arrived (method, path, headers with credentials masked), oldest first. */
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** Keep request and response bodies in the request log from now on (off by default; see `RecordedRequest.exchange`). */
  captureBodies(on: boolean): void;
  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  faults(): Array<FaultRule & { hits: number }>;
  /** N calls per window → 429; `null` removes the quota. */
  quota(perWindow: number | null, windowMs?: number, retryAfter?: QuotaSettings['retryAfter']): void;
  readonly clock: SandboxClock;
  /** Answer 302 (to `location` + the rest of the path) for paths under the prefix. */
  redirect(pathPrefix: string, location: string): void;
  clearRedirects(): void;
  /** Run a registered simulator action by name (what `POST /__sandbox/actions/{name}` does). */
  action(name: string, args?: unknown): unknown;
}

export interface ControlParts {
  stats: StatsRecorder;
  requests: RequestLog;
  faults: FaultInjector;
  quota: Quota;
  clock: SandboxClock;
  redirects: Map<string, string>;
  actions: Map<string, SandboxAction>;
  extraStats: () => Record<string, unknown>;
}

const faultRuleSchema = z
  .object({
    id: z.string().optional(),
    path: z.string().optional(),
    pathRegex: z.string().optional(),
    method: z.string().optional(),
    after: z.number().int().min(0).optional(),
    times: z.number().int().min(0).optional(),
    probability: z.number().min(0).max(1).optional(),
    latencyMs: z.number().min(0).optional(),
    status: z.number().int().min(100).max(599).optional(),
    retryAfter: z.union([z.number().min(0), z.string()]).optional(),
    retryAfterForm: z.enum(['seconds', 'date']).optional(),
    body: z.string().optional(),
    contentType: z.string().optional(),
    hang: z.union([z.boolean(), z.number().min(0)]).optional(),
    reset: z.boolean().optional(),
    malformed: z.boolean().optional(),
    expireTokens: z.boolean().optional(),
    effect: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const quotaSchema = z.object({
  perWindow: z.number().int().min(0),
  windowMs: z.number().positive(),
  retryAfter: z.union([z.literal('window'), z.number().min(0)]).optional(),
});

const clockSchema = z.object({
  now: z.union([z.string(), z.number(), z.null()]).optional(),
  advanceMs: z.number().optional(),
});

const redirectSchema = z.object({ pathPrefix: z.string().startsWith('/'), location: z.string().url() });

export function createControl(parts: ControlParts): SandboxControl {
  return {
    stats: () => ({ ...parts.stats.snapshot(), extra: parts.extraStats() }),
    resetStats: () => parts.stats.reset(),
    requests: () => parts.requests.list(),
    clearRequests: () => parts.requests.clear(),
    captureBodies: (on) => void (parts.requests.captureBodies = on),
    setFaults: (rules) => parts.faults.set(rules.map((rule) => faultRuleSchema.parse(rule))),
    addFault: (rule) => parts.faults.add(faultRuleSchema.parse(rule)),
    clearFaults: () => parts.faults.clear(),
    faults: () => parts.faults.list(),
    quota: (perWindow, windowMs = 60_000, retryAfter) =>
      parts.quota.set(perWindow === null ? null : quotaSchema.parse({ perWindow, windowMs, retryAfter })),
    clock: parts.clock,
    redirect: (pathPrefix, location) => {
      redirectSchema.parse({ pathPrefix, location });
      parts.redirects.set(pathPrefix, location);
    },
    clearRedirects: () => parts.redirects.clear(),
    action: (name, args) => {
      const action = parts.actions.get(name);
      if (!action) throw new Error(`No sandbox action "${name}"; known: ${[...parts.actions.keys()].join(', ')}`);
      return action(args);
    },
  };
}

/** `/__sandbox/*`: loopback only (the server binds 127.0.0.1), no auth, never counted or faulted. */
export function controlRouter(control: SandboxControl, parts: ControlParts, describe: () => unknown): Router {
  const router = new Router();
  const guarded = (run: (context: SandboxContext) => Promise<unknown> | unknown) => async (context: SandboxContext) => {
    try {
      const result = await run(context);
      context.json(200, result ?? { ok: true });
    } catch (error) {
      const message = error instanceof z.ZodError ? z.prettifyError(error) : errorMessage(error);
      context.json(400, { error: 'invalid_control_request', message });
    }
  };
  const bodyJson = async (context: SandboxContext): Promise<unknown> => {
    const body = await context.body();
    return body.text.trim() ? body.json() : undefined;
  };
  router
    .add({ method: 'GET', pattern: '/__sandbox', handler: guarded(() => describe()) })
    .add({ method: 'GET', pattern: '/__sandbox/stats', handler: guarded(() => control.stats()) })
    .add({ method: 'POST', pattern: '/__sandbox/stats/reset', handler: guarded(() => control.resetStats()) })
    .add({ method: 'GET', pattern: '/__sandbox/requests', handler: guarded(() => control.requests()) })
    .add({ method: 'DELETE', pattern: '/__sandbox/requests', handler: guarded(() => control.clearRequests()) })
    .add({ method: 'GET', pattern: '/__sandbox/faults', handler: guarded(() => control.faults()) })
    .add({
      method: 'PUT',
      pattern: '/__sandbox/faults',
      handler: guarded(async (context) => {
        const body = await bodyJson(context);
        const rules = Array.isArray(body) ? body : z.object({ faults: z.array(z.unknown()) }).parse(body).faults;
        control.setFaults(rules as FaultRule[]);
        return control.faults();
      }),
    })
    .add({
      method: 'POST',
      pattern: '/__sandbox/faults',
      handler: guarded(async (context) => {
        control.addFault((await bodyJson(context)) as FaultRule);
        return control.faults();
      }),
    })
    .add({ method: 'DELETE', pattern: '/__sandbox/faults', handler: guarded(() => control.clearFaults()) })
    .add({
      method: 'PUT',
      pattern: '/__sandbox/quota',
      handler: guarded(async (context) => {
        const settings = quotaSchema.parse(await bodyJson(context));
        control.quota(settings.perWindow, settings.windowMs, settings.retryAfter);
        return parts.quota.describe();
      }),
    })
    .add({ method: 'DELETE', pattern: '/__sandbox/quota', handler: guarded(() => control.quota(null)) })
    .add({ method: 'GET', pattern: '/__sandbox/clock', handler: guarded(() => clockState(control.clock)) })
    .add({
      method: 'PUT',
      pattern: '/__sandbox/clock',
      handler: guarded(async (context) => {
        const change = clockSchema.parse((await bodyJson(context)) ?? {});
        if (change.now !== undefined) control.clock.set(change.now);
        if (change.advanceMs !== undefined) control.clock.advance(change.advanceMs);
        return clockState(control.clock);
      }),
    })
    .add({
      method: 'PUT',
      pattern: '/__sandbox/redirects',
      handler: guarded(async (context) => {
        const { pathPrefix, location } = redirectSchema.parse(await bodyJson(context));
        control.redirect(pathPrefix, location);
        return Object.fromEntries(parts.redirects);
      }),
    })
    .add({ method: 'DELETE', pattern: '/__sandbox/redirects', handler: guarded(() => control.clearRedirects()) })
    .add({
      method: 'POST',
      pattern: '/__sandbox/actions/:name',
      handler: guarded(async (context) => {
        const name = context.params.name ?? '';
        if (!parts.actions.has(name))
          throw new Error(`No sandbox action "${name}"; known: ${[...parts.actions.keys()].join(', ')}`);
        return { result: await control.action(name, await bodyJson(context)) };
      }),
    });
  return router;
}

function clockState(clock: SandboxClock) {
  return { now: new Date(clock.now()).toISOString(), pinned: clock.pinned };
}
