import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/domain/run';
import { Alerter, alertSettingsFromEnv, sanitizeMessage } from '../../electron/backend/runtime/alerts';
import { createLogger } from '../../electron/backend/util/log';

function run(status: Run['status'], failed = 0): Run {
  return {
    id: `run-${Math.random()}`,
    flowId: 'flow-1',
    status,
    trigger: 'schedule',
    counters: { read: 10, created: 10 - failed, updated: 0, unchanged: 0, skipped: 0, failed },
    calls: { source: 1, target: 1, sourceMinimum: 1, targetMinimum: 1 },
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
  } as Run;
}

describe('alerts', () => {
  const received: Array<Record<string, unknown>> = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(200).end();
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => server.close());

  it('alerts when dead letters rise above the threshold, once per crossing', async () => {
    received.length = 0;
    const alerter = new Alerter({ webhookUrl: url, deadLetterThreshold: 2 }, createLogger('error'), 'Bundle');
    for (const deadLetters of [1, 3, 4, 2, 5]) alerter.afterRun(run('partial', 1), 'Customers', deadLetters);
    await alerter.settle();
    expect(received.map((body) => [body.kind, body.deadLetters])).toEqual([
      ['dead-letters', 3],
      ['dead-letters', 5],
    ]);
    expect(String(received[0]!.text)).toContain('above the threshold of 2');
  });

  it('cleans error messages of links, addresses and quoted values', () => {
    const message = sanitizeMessage(
      'Zoho refused "ACME Corp" for jane@acme.example: see https://crm.zoho.eu/x?token=abc (access_token=secret123)',
    );
    expect(message).not.toMatch(/ACME|jane|https?:|secret123/);
    expect(message).toContain('Zoho refused');
  });

  it('names the setting that is wrong', () => {
    expect(() => alertSettingsFromEnv({ MLC_ALERT_DEAD_LETTERS: 'many' })).toThrow(/MLC_ALERT_DEAD_LETTERS/);
    expect(() => alertSettingsFromEnv({ MLC_SMTP_HOST: 'smtp.example.test' })).toThrow(/MLC_ALERT_EMAIL_TO/);
    expect(() => alertSettingsFromEnv({ MLC_ALERT_WEBHOOK_URL_FILE: '/nonexistent/hook' })).toThrow(
      /MLC_ALERT_WEBHOOK_URL_FILE/,
    );
    expect(
      alertSettingsFromEnv({
        MLC_SMTP_HOST: 'h',
        MLC_SMTP_PORT: '465',
        MLC_ALERT_EMAIL_FROM: 'a@b.c',
        MLC_ALERT_EMAIL_TO: 'x@y.z, w@y.z',
      }).smtp,
    ).toMatchObject({ secure: true, to: ['x@y.z', 'w@y.z'] });
  });
});
