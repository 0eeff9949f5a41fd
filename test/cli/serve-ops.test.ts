import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { jsonLines, until } from '../bundle/support/mlc-process';
import { servedBundle, startServe } from '../support/served-bundle';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text exposition format (0.0.4), parsed: HELP/TYPE per family, then samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!sample) throw new Error(`Not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

describe('mlc serve: host, readiness, Prometheus metrics and alerts', () => {
  const served = servedBundle('Ops', {
    prefix: 'mlc-serve-ops-',
    world: { infor: { counts: { customers: 5, salesOrders: 5 } } },
  });

  it('binds MLC_HOST with a warning, answers /ready, exposes prom-client metrics per flow, and alerts a webhook and SMTP when runs fail', async () => {
    const { world } = served;
    // The webhook: the first delivery gets a 503 (retried with backoff), later ones 200.
    const hooks: Array<Record<string, unknown>> = [];
    let hookCalls = 0;
    const hook = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        hookCalls += 1;
        if (hookCalls === 1) {
          response.writeHead(503).end();
          return;
        }
        hooks.push(JSON.parse(body) as Record<string, unknown>);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    // A local SMTP server, as an office relay would take the mail.
    const mails: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('end', () => {
          mails.push(text);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    const webhookFile = path.join(served.dir, 'webhook-url');
    fs.writeFileSync(
      webhookFile,
      `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts?token=hook-secret\n`,
    );

    const serve = startServe(served, {
      MLC_HOST: '0.0.0.0',
      MLC_ALERT_WEBHOOK_URL_FILE: webhookFile,
      MLC_SMTP_HOST: '127.0.0.1',
      MLC_SMTP_PORT: String(smtpPort),
      MLC_ALERT_EMAIL_FROM: 'mlc@example.test',
      MLC_ALERT_EMAIL_TO: 'ops@example.test',
    });
    const { child, exited } = serve;
    try {
      const url = await serve.listening();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const warning = jsonLines(serve.stderr()).find((line) => line.message === 'listening beyond this machine');
      expect(warning?.host).toBe('0.0.0.0');

      const ready = await fetch(`${url}/ready`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { status: string }).status).toBe('ready');

      // Scraped over HTTP and parsed: runs per flow, duration histogram, records, calls, last success.
      const scrape = async () => {
        const response = await fetch(`${url}/metrics`);
        expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
        return parseExposition(await response.text());
      };
      const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
        samples
          .filter(
            (sample) =>
              sample.name === name && Object.entries(labels).every(([key, label]) => sample.labels[key] === label),
          )
          .reduce((sum, sample) => sum + sample.value, 0);
      const flows = ['Customers to accounts', 'Sales orders'];
      const { types, samples } = await until('a succeeded run of each flow in /metrics', async () => {
        const parsed = await scrape();
        return flows.every((flow) => value(parsed.samples, 'mlc_runs_total', { flow, status: 'succeeded' }) >= 1)
          ? parsed
          : undefined;
      });
      expect(types.get('mlc_run_duration_seconds')).toBe('histogram');
      expect(types.get('process_cpu_seconds_total')).toBe('counter');
      expect(types.get('mlc_dead_letters')).toBe('gauge');
      for (const flow of flows) {
        expect(value(samples, 'mlc_run_duration_seconds_count', { flow })).toBeGreaterThanOrEqual(1);
        expect(value(samples, 'mlc_run_duration_seconds_bucket', { flow, le: '+Inf' })).toBe(
          value(samples, 'mlc_run_duration_seconds_count', { flow }),
        );
        expect(value(samples, 'mlc_flow_last_success_timestamp_seconds', { flow })).toBeGreaterThan(
          Date.now() / 1000 - 120,
        );
        expect(value(samples, 'mlc_api_calls_total', { flow, role: 'source' })).toBeGreaterThanOrEqual(
          value(samples, 'mlc_api_calls_minimum_total', { flow, role: 'source' }),
        );
        expect(value(samples, 'mlc_dead_letters', { flow })).toBe(0);
      }
      expect(value(samples, 'mlc_records_total', { flow: 'Customers to accounts', outcome: 'created' })).toBe(5);

      // Infor refuses every read from now on: runs fail, and each failure alerts both channels.
      world.infor.control.setFaults([{ id: 'down', pathRegex: 'm3api-rest', status: 400 }]);
      const alert = await until('a run-failed alert on the webhook', () =>
        hooks.find((body) => body.kind === 'run-failed'),
      );
      await until('a run-failed mail', () => (mails.length > 0 ? true : undefined));
      world.infor.control.clearFaults();
      expect(hookCalls).toBeGreaterThanOrEqual(2);
      expect(flows).toContain(alert.flow);
      expect(alert.bundle).toBe('Ops');
      expect(alert.status).toBe('failed');
      expect((alert.error as { code: string }).code).toMatch(/^E_/);
      expect(String(alert.text)).not.toMatch(/https?:\/\//);
      expect(mails[0]).toMatch(/^Subject: mlc: a run failed: (Customers to accounts|Sales orders)$/m);
      expect(mails[0]).not.toMatch(/https?:\/\//);
      // No customer data: none of the customers' names reached an alert.
      const names = world.zoho.inspect.records('Accounts').map((account) => String(account.Account_Name));
      expect(names.length).toBe(5);
      for (const name of names) {
        expect(JSON.stringify(hooks)).not.toContain(name);
        expect(mails.join('\n')).not.toContain(name);
      }
      const failed = parseExposition(await (await fetch(`${url}/metrics`)).text()).samples;
      expect(value(failed, 'mlc_runs_total', { status: 'failed' })).toBeGreaterThanOrEqual(1);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      hook.close();
      smtp.close();
    }
    // The webhook URL's token is never logged.
    expect(serve.stderr()).not.toContain('hook-secret');
  }, 90_000);
});
