// A separate engine process for the replay crash test: replays one run's failed records with the
// current mapping on the data folder it is given, so the parent can SIGKILL it at any instant.
import { createBackend } from '../../../electron/backend/backend';
import { replayRecords } from '../../../electron/backend/sync/replay';
import { syncService } from '../../../electron/backend/sync/sync.service';

const [dataDir, runId] = process.argv.slice(2);
if (!dataDir || !runId) {
  process.stderr.write('usage: replay-child DATA_DIR RUN_ID\n');
  process.exit(2);
}
const backend = createBackend({ runtime: 'cli', dataDir });
const run = await replayRecords(syncService(backend.context).deps, { runId, mapping: 'current' });
process.stdout.write(JSON.stringify({ status: run.status, counters: run.counters }) + '\n');
await backend.close();
