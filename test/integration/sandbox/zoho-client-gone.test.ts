import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho';
import { poll } from '../../sync/support/kill-child';

// A client killed mid-call (the crash tests SIGKILL one) must not leave the simulator's handler
// waiting for a body that will never be read: Zoho's calls in flight would stay counted, and every
// later call would meet its concurrency limit ("kept answering 429").
describe('the Zoho simulator when a client goes away mid-call', () => {
  let zoho: ZohoSandbox;
  let token: string;
  beforeAll(async () => {
    zoho = await startZohoSandbox({ callLatencyMs: 40 });
    const connection = zoho.connection();
    const answer = await fetch(`${zoho.url}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: connection.settings.clientId,
        client_secret: connection.secrets.client_secret,
        refresh_token: connection.secrets.refresh_token,
      }),
    });
    token = ((await answer.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => zoho?.close());

  it.each([
    ['half its body sent', 0.5],
    ['its whole body sent, gone while the call is held', 1],
  ])('counts the call as ended once the client is gone: %s', async (_name, share) => {
    const body = JSON.stringify({
      data: Array.from({ length: 50 }, (_, index) => ({ Account_Name: `Gone ${index}` })),
    });
    const url = new URL(zoho.url);
    const socket = net.connect(Number(url.port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /crm/v8/Accounts/upsert HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Zoho-oauthtoken ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n` +
        body.slice(0, Math.floor(body.length * share)),
    );
    await poll('the call to be counted', () => (zoho.inspect.inFlight() > 0 ? true : undefined), 10_000);
    socket.destroy();
    await poll('the call to end', () => (zoho.inspect.inFlight() === 0 ? true : undefined), 10_000);
    expect(zoho.inspect.inFlight()).toBe(0);
  });
});
