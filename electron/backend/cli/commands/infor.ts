import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, type ErrorCode } from '../../../../shared/errors';
import {
  connectionTestTimeoutMs,
  ionapiMaxBytes,
  ionapiTooLargeMessage,
} from '../../../../shared/api/connectors.contract';
import { InforConnector, productLineFromScopes } from '../../connectors/infor/infor.connector';
import { productLines, type ProductLine } from '../../connectors/infor/infor-sources';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../connectors/infor/ionapi';
import { tenantCheckTimeoutMs } from '../../connectors/infor/tenant-check';
import { tenantCheckMarks } from '../../../../shared/connectors/infor-check';
import { redact } from '../../util/redact';
import { exitCodes, type Command } from '../command';
import { terminalText } from '../terminal-text';

const usage = `mlc infor ping FILE.ionapi [--product-line m3|csi|ln|fsm] [--json]
mlc infor check FILE.ionapi [--product-line m3|csi|ln|fsm] [--setting KEY=VALUE]... [--json]

  ping: signs in with the .ionapi file's credentials and reads a small sample:
  prints the tenant, product line, token lifetime, latency and sample count,
  or the precise error. Nothing is stored.

  check: signs in, then runs the tenant check: read-only probes, a handful of
  small calls each, of what the connector assumes about the tenant (M3: SEPC
  and REPL width, LMTS form, order by, maxrecs cap, company, unknown
  transactions, metadata, list paging; CSI: sites, site header, date literal,
  unknown properties; LN: paging; FSM: field sampling, _limit). One line per
  probe (✓ confirmed, ≠ differs, ? unknown, ✗ failed), then the settings it
  chose. Nothing is stored or written.

  --product-line P  M3, CloudSuite Industrial (csi), LN or FSM; default: from
                    the file's scopes, else probed
  --setting K=V     a connection setting for the check (repeatable), e.g.
                    m3Company=100, mongooseConfig=ACME_DALS, csiSite=DALS
  --json            print the result as one JSON object

  ping gives up after ${connectionTestTimeoutMs / 1000} s, check after ${tenantCheckTimeoutMs / 1000} s; neither retries a host
  whose name does not resolve or that refuses the connection.

  Exit codes: 0 ok (check: no probe failed), 1 a probe failed, 3 broken file,
  4 credentials refused, 5 gateway unreachable or failing.`;

export function exitCodeFor(code: ErrorCode): number {
  if (code.startsWith('E_IONAPI_')) return exitCodes.invalid;
  if (code.startsWith('E_AUTH_') || code === 'E_SECRET_UNAVAILABLE') return exitCodes.auth;
  // E_NET_* (DNS, refused, timeout, TLS) land here: the network, not the credentials.
  return exitCodes.remote;
}

export const inforCommand: Command = {
  name: 'infor',
  summary:
    'Infor CloudSuite tools: `mlc infor ping FILE.ionapi` tests an .ionapi file; `mlc infor check FILE.ionapi` checks what the connector assumes about the tenant.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        'product-line': { type: 'string' },
        json: { type: 'boolean', default: false },
        setting: { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, file] = positionals;
    if (values.help || (action !== 'ping' && action !== 'check') || !file) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    const wanted = values['product-line'];
    if (wanted !== undefined && !(productLines as readonly string[]).includes(wanted)) {
      io.err(
        `mlc infor ${action}: --product-line must be one of ${productLines.join(', ')}, got ${JSON.stringify(wanted)}.`,
      );
      return exitCodes.usage;
    }
    const extra: Record<string, string> = {};
    for (const pair of values.setting ?? []) {
      const at = pair.indexOf('=');
      if (at < 1) {
        io.err(`mlc infor ${action}: --setting takes KEY=VALUE, got ${JSON.stringify(pair)}.`);
        return exitCodes.usage;
      }
      extra[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    let calls = 0;
    const report = (code: ErrorCode, message: string) => {
      if (values.json)
        io.out(JSON.stringify({ ok: false, error: { code, message: redact(message) }, callCount: calls }));
      else io.err(`mlc infor ${action}: ${terminalText(redact(message))} [${code}]`);
      return exitCodeFor(code);
    };
    let content: string;
    try {
      // Measured before reading: a 50 MB file is the wrong file, not one to load.
      const bytes = fs.statSync(file).size;
      if (bytes > ionapiMaxBytes)
        return report('E_IONAPI_TOO_LARGE', ionapiTooLargeMessage(path.basename(file), bytes));
      content = fs.readFileSync(file, 'utf8');
    } catch (error) {
      io.err(
        `mlc infor ${action}: cannot read ${terminalText(file)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      );
      return exitCodes.invalid;
    }
    try {
      const parsed = parseIonApi(content, path.basename(file));
      // Like a test in the app: one deadline for everything, an unreachable host reported at once.
      const signal = AbortSignal.timeout(action === 'check' ? tenantCheckTimeoutMs : connectionTestTimeoutMs);
      const environment = {
        connection: {
          id: 'cli-ping',
          settings: { ...ionApiSettings(parsed), ...extra } as Record<string, string | boolean>,
          sandbox: parsed.sandbox,
        },
        secrets: ionApiSecrets(parsed),
        http: { timeoutMs: connectionTestTimeoutMs, signal, failFast: true },
      };
      let productLine =
        (wanted as ProductLine | undefined) ??
        productLineFromScopes(String(environment.connection.settings.scopes ?? ''));
      if (!productLine) {
        const probe = new InforConnector(environment);
        try {
          productLine = (await probe.detectProductLine(signal)) ?? 'm3';
        } finally {
          calls += probe.callCount();
          await probe.close();
        }
      }
      environment.connection.settings.productLine = productLine;
      const connector = new InforConnector(environment);
      try {
        const result = await connector.test({ signal });
        calls += connector.callCount();
        // The check goes on past a read the tenant refuses (CSI sites not chosen yet: the check says which);
        // only a sign-in or a gateway that cannot be reached ends it.
        if (
          !result.ok &&
          (action === 'ping' ||
            exitCodeFor(result.error!.code) !== exitCodes.remote ||
            result.error!.code.startsWith('E_NET_'))
        )
          return report(result.error!.code, result.error!.message);
        if (action === 'check') {
          const testCalls = connector.callCount();
          const checked = await connector.checkTenant({ signal });
          calls += connector.callCount() - testCalls;
          if (values.json) io.out(JSON.stringify({ ...checked, callCount: calls }));
          else {
            io.out(
              `Infor ${productLine.toUpperCase()} · tenant ${terminalText(result.tenant ?? parsed.file.ti)} · tenant check`,
            );
            for (const probe of checked.probes) {
              const chosen = probe.setting ? `  → ${probe.setting.key}=${probe.setting.value}` : '';
              io.out(
                `${tenantCheckMarks[probe.status]} ${probe.id.padEnd(22)} ${terminalText(probe.observed)}${terminalText(chosen)}`,
              );
            }
            const settings = Object.entries(checked.settingsChosen);
            io.out(
              settings.length > 0
                ? `Settings chosen: ${terminalText(settings.map(([key, value]) => `${key}=${value}`).join(', '))}`
                : 'Settings chosen: none',
            );
            io.out(`Calls: ${calls}`);
          }
          return checked.probes.some((probe) => probe.status === 'failed') ? exitCodes.failure : exitCodes.ok;
        }
        const output = { ...result, productLine, callCount: calls };
        if (values.json) io.out(JSON.stringify(output));
        else {
          io.out(`OK  Infor ${productLine.toUpperCase()} · tenant ${terminalText(result.tenant ?? parsed.file.ti)}`);
          if (result.identity) io.out(`    identity        ${terminalText(result.identity)}`);
          io.out(`    token lifetime  ${result.tokenLifetimeSeconds ?? '?'} s`);
          io.out(`    latency         ${result.latencyMs} ms`);
          io.out(`    sample          ${result.sampleCount ?? 0} ${terminalText(result.sampleEntity ?? 'records')}`);
          io.out(`    calls           ${output.callCount}`);
        }
        return exitCodes.ok;
      } finally {
        await connector.close();
      }
    } catch (error) {
      if (error instanceof AppError) return report(error.code, error.message);
      throw error;
    }
  },
};
