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
import { redact } from '../../util/redact';
import { exitCodes, type Command } from '../command';
import { terminalText } from '../terminal-text';

const usage = `mlc infor ping FILE.ionapi [--product-line m3|csi|ln|fsm] [--json]

  Signs in with the .ionapi file's credentials and reads a small sample:
  prints the tenant, product line, token lifetime, latency and sample count,
  or the precise error. Nothing is stored.

  --product-line P  M3, CloudSuite Industrial (csi), LN or FSM; default: from
                    the file's scopes, else probed
  --json            print the result as one JSON object

  Gives up after ${connectionTestTimeoutMs / 1000} s, and does not retry a host whose name does not
  resolve or that refuses the connection.

  Exit codes: 0 ok, 3 broken file, 4 credentials refused, 5 gateway unreachable or failing.`;

export function exitCodeFor(code: ErrorCode): number {
  if (code.startsWith('E_IONAPI_')) return exitCodes.invalid;
  if (code.startsWith('E_AUTH_') || code === 'E_SECRET_UNAVAILABLE') return exitCodes.auth;
  // E_NET_* (DNS, refused, timeout, TLS) land here: the network, not the credentials.
  return exitCodes.remote;
}

export const inforCommand: Command = {
  name: 'infor',
  summary: 'Infor CloudSuite tools: `mlc infor ping FILE.ionapi` tests an .ionapi file.',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        'product-line': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [action, file] = positionals;
    if (values.help || action !== 'ping' || !file) {
      (values.help ? io.out : io.err)(usage);
      return values.help ? exitCodes.ok : exitCodes.usage;
    }
    const wanted = values['product-line'];
    if (wanted !== undefined && !(productLines as readonly string[]).includes(wanted)) {
      io.err(
        `mlc infor ping: --product-line must be one of ${productLines.join(', ')}, got ${JSON.stringify(wanted)}.`,
      );
      return exitCodes.usage;
    }
    let calls = 0;
    const report = (code: ErrorCode, message: string) => {
      if (values.json)
        io.out(JSON.stringify({ ok: false, error: { code, message: redact(message) }, callCount: calls }));
      else io.err(`mlc infor ping: ${terminalText(redact(message))} [${code}]`);
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
        `mlc infor ping: cannot read ${terminalText(file)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`,
      );
      return exitCodes.invalid;
    }
    try {
      const parsed = parseIonApi(content, path.basename(file));
      // Like a test in the app: one deadline for everything, an unreachable host reported at once.
      const signal = AbortSignal.timeout(connectionTestTimeoutMs);
      const environment = {
        connection: {
          id: 'cli-ping',
          settings: { ...ionApiSettings(parsed) } as Record<string, string | boolean>,
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
        if (!result.ok) return report(result.error!.code, result.error!.message);
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
