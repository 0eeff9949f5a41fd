import { createBackend, type Backend } from '../../electron/backend/backend';
import type { Runtime } from '../../electron/backend/context';
import { tempDir } from './paths';

/** A real backend on a real SQLite file in a fresh folder. */
export function testBackend(runtime: Runtime = 'cli'): { backend: Backend; dataDir: string; dispose(): Promise<void> } {
  const folder = tempDir('mlc-backend-');
  const backend = createBackend({ runtime, dataDir: folder.dir });
  return {
    backend,
    dataDir: folder.dir,
    async dispose() {
      await backend.close();
      folder.remove();
    },
  };
}
