import type { Random } from './random';

/**
 * Fault injection: a list of rules, each matched by path (prefix or regex) and optionally
 * method, applied to the next `times` matching calls (or with a probability, from the
 * sandbox's seeded random stream so a failing run can be replayed).
 */
export interface FaultRule {
  /** Shown in stats; defaults to the rule's position. */
  id?: string;
  /** Path prefix (e.g. `/MLC_SANDBOX/M3/`); matches everything when neither this nor `pathRegex` is set. */
  path?: string;
  pathRegex?: string;
  method?: string;
  /** Skip this many matching calls before the rule starts to hit. */
  after?: number;
  /** How many calls it hits (default: every matching call). */
  times?: number;
  /** Hit a matching call with this probability (0..1). */
  probability?: number;

  /** Delay before answering (combines with the other effects). */
  latencyMs?: number;
  /** Answer with this status instead of the real response (429, 500, 502, 503, 504, ...). */
  status?: number;
  /** With a status: `Retry-After` as delta seconds (number) or a literal header value (string, e.g. an HTTP date). */
  retryAfter?: number | string;
  /** `'date'` turns a numeric `retryAfter` into an HTTP date that many seconds after the sandbox clock. */
  retryAfterForm?: 'seconds' | 'date';
  /** With a status: the body (default a short text) and its content type. */
  body?: string;
  contentType?: string;
  /** Never answer (`true`, until the client gives up or the sandbox closes), or answer 504 after this many ms. */
  hang?: boolean | number;
  /** Destroy the socket without an answer. */
  reset?: boolean;
  /** Let the real handler answer but cut its body in half (invalid JSON). */
  malformed?: boolean;
  /** Invalidate every issued access token before handling the call (simulators with tokens). */
  expireTokens?: boolean;
  /** Simulator-specific effect (e.g. M3 `errorAfterRows`); read by the simulator through `context`. */
  effect?: Record<string, unknown>;
}

export interface FaultDecision {
  latencyMs: number;
  status?: { code: number; retryAfter?: string; body: string; contentType: string };
  hang?: boolean | number;
  reset: boolean;
  malformed: boolean;
  expireTokens: boolean;
  effect: Record<string, unknown>;
  ruleIds: string[];
}

interface ActiveRule {
  rule: FaultRule;
  id: string;
  regex?: RegExp;
  seen: number;
  hits: number;
}

const activate = (rule: FaultRule, index: number): ActiveRule => ({
  rule,
  id: rule.id ?? `fault-${index + 1}`,
  regex: rule.pathRegex ? new RegExp(rule.pathRegex) : undefined,
  seen: 0,
  hits: 0,
});

export class FaultInjector {
  private rules: ActiveRule[] = [];

  constructor(private readonly random: Random) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule, index) => activate(rule, index));
  }

  /** One more rule; the others keep their counts (a rule that has had its `times` stays spent). */
  add(rule: FaultRule): void {
    this.rules.push(activate(rule, this.rules.length));
  }

  clear(): void {
    this.rules = [];
  }

  list(): Array<FaultRule & { hits: number }> {
    return this.rules.map((active) => ({ ...active.rule, id: active.id, hits: active.hits }));
  }

  /** Decide what happens to one call. `now` dates a `Retry-After`. */
  decide(method: string, path: string, now: number): FaultDecision | null {
    let decision: FaultDecision | null = null;
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path !== undefined && !path.startsWith(rule.path)) continue;
      if (active.regex && !active.regex.test(path)) continue;
      active.seen += 1;
      if (rule.after !== undefined && active.seen <= rule.after) continue;
      if (rule.times !== undefined && active.hits >= rule.times) continue;
      if (rule.probability !== undefined && !(this.random.next() < rule.probability)) continue;
      active.hits += 1;
      decision ??= { latencyMs: 0, reset: false, malformed: false, expireTokens: false, effect: {}, ruleIds: [] };
      decision.ruleIds.push(active.id);
      decision.latencyMs += rule.latencyMs ?? 0;
      decision.reset ||= rule.reset === true;
      decision.malformed ||= rule.malformed === true;
      decision.expireTokens ||= rule.expireTokens === true;
      if (rule.hang !== undefined && rule.hang !== false && decision.hang === undefined) decision.hang = rule.hang;
      Object.assign(decision.effect, rule.effect ?? {});
      if (rule.status !== undefined && !decision.status) {
        decision.status = {
          code: rule.status,
          retryAfter: retryAfterValue(rule, now),
          body: rule.body ?? defaultBody(rule.status),
          contentType: rule.contentType ?? 'text/plain; charset=utf-8',
        };
      }
    }
    return decision;
  }
}

function retryAfterValue(rule: FaultRule, now: number): string | undefined {
  if (rule.retryAfter === undefined) return undefined;
  if (typeof rule.retryAfter === 'string') return rule.retryAfter;
  if (rule.retryAfterForm === 'date') return new Date(now + rule.retryAfter * 1000).toUTCString();
  return String(rule.retryAfter);
}

function defaultBody(status: number): string {
  if (status === 429) return 'Quota exceeded';
  if (status === 504) return 'Gateway Timeout';
  if (status === 503) return 'Service Unavailable';
  if (status === 502) return 'Bad Gateway';
  return 'Internal Server Error';
}
