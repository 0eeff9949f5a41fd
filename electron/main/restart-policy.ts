/**
 * When to restart a crashed backend: with growing delays (1 s, 2 s, 4 s…), and not at all after
 * too many crashes in a short time, when a restart loop would only hide the problem.
 */
export interface RestartPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Restarts allowed within `windowMs`; one more crash in that window gives up. */
  maxRestarts: number;
  windowMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 16_000,
  maxRestarts: 5,
  windowMs: 120_000,
};

export type RestartDecision =
  { restart: true; delayMs: number; crashes: number[] } | { restart: false; crashes: number[] };

/** `crashes`: earlier crash times (ms); `now`: this crash. Returns the crash times to keep for next time. */
export function decideRestart(
  crashes: readonly number[],
  now: number,
  policy: RestartPolicy = defaultRestartPolicy,
): RestartDecision {
  const recent = [...crashes.filter((time) => now - time < policy.windowMs), now];
  if (recent.length > policy.maxRestarts) return { restart: false, crashes: recent };
  const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (recent.length - 1));
  return { restart: true, delayMs, crashes: recent };
}
