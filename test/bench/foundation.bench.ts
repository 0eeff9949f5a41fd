import { createClient } from '../../shared/api/client';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startWebBridge } from '../../electron/backend/bridge/web-bridge';
import { testBackend } from '../support/backend';

/** Cost of one contract call per transport: the floor under every UI interaction. */
export async function runFoundationBench(): Promise<Record<string, unknown>> {
  const env = testBackend('web');
  const bridge = await startWebBridge({ backend: env.backend });
  try {
    const calls = 2000;
    const inProcess = createClient(inProcessTransport(env.backend));
    let started = performance.now();
    for (let i = 0; i < calls; i += 1) await inProcess.call('connections.list', {});
    const inProcessMs = performance.now() - started;

    started = performance.now();
    for (let i = 0; i < calls / 4; i += 1) {
      const response = await fetch(`http://127.0.0.1:${bridge.port}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}` },
        body: JSON.stringify({ method: 'connections.list', input: {} }),
      });
      await response.json();
    }
    const bridgeMs = performance.now() - started;
    return {
      inProcessCallsPerSecond: Math.round(calls / (inProcessMs / 1000)),
      webBridgeCallsPerSecond: Math.round(calls / 4 / (bridgeMs / 1000)),
    };
  } finally {
    await bridge.close();
    await env.dispose();
  }
}
