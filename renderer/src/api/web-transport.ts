import type { Transport } from '../../../shared/api/client';
import type { Result } from '../../../shared/api/result';

const tokenKey = 'mlc.bridge.token';

/**
 * The token arrives in the URL fragment (never sent to a server, never in a
 * Referer); keep it for this tab and wipe it from the address bar.
 */
export function takeBridgeToken(): string | undefined {
  const match = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(tokenKey, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(tokenKey) ?? undefined;
}

export function webTransport(token: string | undefined, base = ''): Transport {
  const headers = { Authorization: `Bearer ${token ?? ''}` };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let streaming = false;

  async function stream() {
    // fetch instead of EventSource so the token goes in a header, not the URL.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await fetch(`${base}/api/events`, { headers });
        if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`);
        attempt = 0;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatchFrame(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // The backend restarted or the network blipped: back off and reconnect.
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** attempt)));
    }
  }

  function dispatchFrame(frame: string) {
    let event = '';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (!event) return;
    const payload: unknown = data ? JSON.parse(data) : undefined;
    for (const listener of listeners.get(event) ?? []) listener(payload);
  }

  return {
    async invoke(method, input) {
      const response = await fetch(`${base}/api/invoke`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ method, input }),
      });
      return (await response.json()) as Result<unknown>;
    },
    on(event, listener) {
      if (!streaming) {
        streaming = true;
        void stream();
      }
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
}
