import os from 'node:os';
import { parseArgs } from 'node:util';
import { AppError } from '../../../../shared/errors';
import { openStoreBackend, storeUsage } from '../store-option';
import { createLogger } from '../../util/log';
import { exitCodes, type Command } from '../command';
import { terminalText } from '../terminal-text';
import { reportError } from './run';

const usage = `mlc unlock FLOW [--store URL]

  Releases a flow held by a run whose process is gone (a crashed machine or
  container, a killed process) without waiting for its lease to expire
  (30 s after its last heartbeat). FLOW is the flow's name or id. The run is
  marked interrupted; the next run re-reads its window, and records it wrote
  after its last committed page appear there as updated.

  If that process is in fact still running, it notices at its next heartbeat
  (within 5 s) and stops writing.

${storeUsage}`;

export const unlockCommand: Command = {
  name: 'unlock',
  summary: 'Release a flow held by a run whose process is gone (crash, kill).',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean' }, store: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help || positionals.length !== 1) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    const wanted = positionals[0]!;
    let backend;
    try {
      backend = await openStoreBackend(io, values.store, createLogger());
    } catch (error) {
      return reportError(io, error);
    }
    try {
      const service = backend.context.asyncStore;
      const flows = await service.flows.flows();
      const flow =
        flows.find((candidate) => candidate.id === wanted) ?? flows.find((candidate) => candidate.name === wanted);
      if (!flow) {
        throw new AppError(
          'E_NOT_FOUND',
          `No flow “${wanted}” in ${service.kind === 'sqlite' ? backend.context.dataDir : 'the PostgreSQL store'}. Its flows: ${flows.map((candidate) => candidate.name).join(', ') || 'none'}.`,
        );
      }
      const released = await service.runs.unlock(flow.id, `\`mlc unlock\` on ${os.hostname()} (pid ${process.pid})`);
      const name = terminalText(flow.name);
      if (released.length === 0) {
        io.out(`“${name}” is not locked: no run of it is in progress. Nothing to do.`);
        return exitCodes.ok;
      }
      for (const { run, host, pid, heartbeatAt, leaseUntil } of released) {
        const fresh = leaseUntil !== null && Date.parse(leaseUntil) > Date.now();
        io.out(
          `Unlocked “${name}”: run ${run.id} (started ${run.startedAt} on ${host ?? 'an unknown host'}, pid ${pid ?? '?'}, last heartbeat ${heartbeatAt ?? 'never'}) is now interrupted. ` +
            `The next run re-reads its window.` +
            (fresh
              ? ` Its lease was still fresh: if that process is alive after all, it stops writing at its next heartbeat.`
              : ''),
        );
      }
      return exitCodes.ok;
    } catch (error) {
      return reportError(io, error);
    } finally {
      await backend.close();
    }
  },
};
