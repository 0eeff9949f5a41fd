// A separate engine process for the crash test: runs one flow on the data folder
// it is given, so the parent can SIGKILL it at any instant.
import { createBackend } from '../../../electron/backend/backend';
import { syncService } from '../../../electron/backend/sync/sync.service';

const [dataDir, flowId] = process.argv.slice(2);
if (!dataDir || !flowId) {
  process.stderr.write('usage: run-flow-child DATA_DIR FLOW_ID\n');
  process.exit(2);
}
const backend = createBackend({ runtime: 'cli', dataDir });
const run = await syncService(backend.context).engine.runFlow(flowId, { trigger: 'cli' });
process.stdout.write(JSON.stringify({ status: run.status, counters: run.counters }) + '\n');
await backend.close();
