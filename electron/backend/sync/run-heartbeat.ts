import { AppError, errorMessage } from '../../../shared/errors';
import type { Logger } from '../util/log';
import type { RunId } from '../../../shared/domain/flow';
import type { EngineDeps } from './engine-deps';
import { defaultHeartbeatMs, defaultLeaseMs, type LiveState } from './runs.repository';

/** How a run holds its flow: a lease of `leaseMs`, renewed every `heartbeatMs` by a timer. */
export interface LeaseTiming {
  leaseMs: number;
  heartbeatMs: number;
}

/** Defaults, or MLC_RUN_LEASE_MS / MLC_RUN_HEARTBEAT_MS (tests and child processes shorten them). */
export function leaseTiming(env: NodeJS.ProcessEnv = process.env): LeaseTiming {
  const read = (value: string | undefined, fallback: number) =>
    value && Number.isFinite(Number(value)) && Number(value) > 0 ? Number(value) : fallback;
  const leaseMs = read(env.MLC_RUN_LEASE_MS, defaultLeaseMs);
  // A lease outlives several missed heartbeats.
  return {
    leaseMs,
    heartbeatMs: Math.min(read(env.MLC_RUN_HEARTBEAT_MS, defaultHeartbeatMs), Math.floor(leaseMs / 3)),
  };
}

export interface Heartbeat {
  /** Stops the timer and waits for a heartbeat in flight, so none lands after the run's last write. */
  stop(): Promise<void>;
}

/**
 * Renews a run's lease on a timer, not on commits: a slow page (storms, a big batch) keeps the flow.
 * A beat still in flight (the store busy with a page commit) makes the next tick wait its turn
 * instead of queueing another. A lost lease calls `onLost` (the engine stops the run).
 */
export function startHeartbeat(
  runs: EngineDeps['runs'],
  run: { id: RunId; flowId: string },
  live: () => LiveState,
  timing: LeaseTiming,
  log: Logger,
  onLost: () => void,
): Heartbeat {
  let inFlight: Promise<void> | undefined;
  const beat = async () => {
    try {
      await runs.heartbeat(run.id, live(), timing.leaseMs);
    } catch (error) {
      if (error instanceof AppError && error.code === 'E_SYNC_LEASE_LOST') {
        log.error('this run lost its flow to another process; stopping', { flow: run.flowId, run: run.id });
        onLost();
      } else log.warn('heartbeat not written', { flow: run.flowId, run: run.id, error: errorMessage(error) });
    }
  };
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = beat().finally(() => (inFlight = undefined));
  }, timing.heartbeatMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
