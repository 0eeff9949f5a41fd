import type { Transport } from '../../../shared/api/client';
import type { Backend } from '../backend';

/** The CLI's transport: same contract, same validation, no serialization. */
export function inProcessTransport(backend: Backend): Transport {
  return {
    // Round-trip through JSON so in-process callers see exactly what IPC and HTTP callers see.
    invoke: async (method, input) => structuredClone(await backend.invoke(method, structuredClone(input))),
    on: (event, listener) =>
      backend.context.events.subscribe((name, payload) => {
        if (name === event) listener(structuredClone(payload));
      }),
  };
}
