import { createClient, type ApiClient } from '../../../../shared/api/client';
import type { SandboxWorkspace } from '../../../../shared/api/sandbox.contract';
import type { SystemId } from '../../../../shared/domain/connection';
import { createBackend, type Backend } from '../../../../electron/backend/backend';
import { inProcessTransport } from '../../../../electron/backend/bridge/in-process';
import { tempDir } from '../../../support/paths';

/** M3 customer → Zoho Account, the mapping the Mapper would save (the Mapper is another screen). */
export const customersToZohoAccounts = `{
  "Infor_Customer_No": CUNO,
  "Account_Name": CUNM,
  "Account_Number": CUNO,
  "Billing_City": TOWN,
  "Billing_Country": CSCD,
  "Phone": PHNO
}`;

export interface RendererWorld {
  backend: Backend;
  api: ApiClient;
  dataDir: string;
  close(): Promise<void>;
}

/** A real backend on a temp data folder, reached through the same typed client the renderer uses. */
export function rendererWorld(): RendererWorld {
  const folder = tempDir('mlc-renderer-');
  const backend = createBackend({
    runtime: 'cli',
    dataDir: folder.dir,
    // Storms are not what these tests are about: keep retries short.
    syncResilience: { attempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
  });
  return {
    backend,
    api: createClient(inProcessTransport(backend)),
    dataDir: folder.dir,
    async close() {
      await backend.close();
      folder.remove();
    },
  };
}

export function systemOf(workspace: SandboxWorkspace, system: SystemId) {
  const entry = workspace.systems.find((candidate) => candidate.system === system);
  if (!entry) throw new Error(`The sandbox workspace has no ${system} simulator.`);
  return entry;
}
