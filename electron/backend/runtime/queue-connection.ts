import { Redis } from 'ioredis';
import { AppError } from '../../../shared/errors';

/**
 * Queue mode's settings: where Redis is, which BullMQ queue carries the runs, and how jobs are
 * retried and declared stalled. Everything but the URL has a default; the environment overrides.
 */
export interface QueueSettings {
  /** redis:// or rediss:// URL (credentials in it are never logged). */
  url: string;
  /** BullMQ queue name; one bundle per queue (serve removes schedulers of flows not in its bundle). */
  name: string;
  /** Tries of a failed run (1 = no retry); waits grow exponentially from `backoffMs`. */
  attempts: number;
  backoffMs: number;
  /**
   * How long a worker's lock on its job lasts without renewal; a killed worker's job is handed
   * to another worker once it lapses and the stalled check (every `stalledIntervalMs`) runs.
   */
  lockMs: number;
  stalledIntervalMs: number;
}

export const defaultQueueName = 'mlc-runs';

/**
 * Reads MLC_QUEUE_NAME, MLC_QUEUE_ATTEMPTS, MLC_QUEUE_BACKOFF_MS, MLC_QUEUE_LOCK_MS and
 * MLC_QUEUE_STALLED_MS around a URL given by flag or MLC_QUEUE_URL; throws E_INVALID_INPUT for a
 * URL that is not redis:// or rediss://, or a number that is not a positive integer.
 */
export function queueSettings(url: string, env: NodeJS.ProcessEnv): QueueSettings {
  if (!/^rediss?:\/\/[^/]/.test(url))
    throw new AppError(
      'E_INVALID_INPUT',
      'The queue URL must be a Redis URL such as redis://127.0.0.1:6379 (or rediss:// for TLS), with a password as redis://:PASSWORD@host:6379 when Redis asks for one.',
    );
  const whole = (name: string, fallback: number): number => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new AppError(
        'E_INVALID_INPUT',
        `${name} must be a whole number of at least 1, not ${JSON.stringify(text)}.`,
      );
    return value;
  };
  // BullMQ's own defaults for the lock (30 s) and the stalled check (30 s).
  const lockMs = whole('MLC_QUEUE_LOCK_MS', 30_000);
  return {
    url,
    name: env.MLC_QUEUE_NAME || defaultQueueName,
    attempts: whole('MLC_QUEUE_ATTEMPTS', 3),
    backoffMs: whole('MLC_QUEUE_BACKOFF_MS', 30_000),
    lockMs,
    stalledIntervalMs: whole('MLC_QUEUE_STALLED_MS', lockMs),
  };
}

/**
 * A Redis connection as BullMQ wants it: `maxRetriesPerRequest: null` so blocking commands of a
 * worker wait through a Redis restart instead of failing (BullMQ refuses a worker connection
 * without it). Errors are reported through `onError` (ioredis reconnects by itself).
 */
export function redisConnection(settings: QueueSettings, onError: (error: Error) => void): Redis {
  const redis = new Redis(settings.url, { maxRetriesPerRequest: null, lazyConnect: false });
  redis.on('error', onError);
  return redis;
}

/** The URL without a password, for logs and messages. */
export function safeQueueUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unreadable URL)';
  }
}

/** True when Redis answers PING within `timeoutMs` (readiness). */
export async function redisReachable(redis: Redis, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return answer === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The job every scheduler creates: which flow to run. */
export interface RunJobData {
  flowId: string;
}

/** What a finished job records (BullMQ keeps it as the job's return value). */
export interface RunJobResult {
  flowId: string;
  runId: string;
  status: string;
  /** The interrupted run this one took over (a killed worker's), if any. */
  resumedFrom: string | null;
}

/** The scheduler id of a flow: one per flow, so upserting twice replaces, never adds. */
export function schedulerId(flowId: string): string {
  return `flow:${flowId}`;
}
