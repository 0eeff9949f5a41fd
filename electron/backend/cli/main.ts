import { errorMessage } from '../../../shared/errors';
import { appVersion } from '../app/version';
import { storeFailure } from '../store/store-errors';
import { redact } from '../util/redact';
import { exitCodes, type CommandIo } from './command';
import { terminalText } from './terminal-text';
import { commands } from './commands/index';

function help(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `mlc — ml-connector Studio's command line and headless runtime

Usage: mlc <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help     show this help (or: mlc help <command>)
  -v, --version  print the version

Environment:
  MLC_HOME              data folder (default: the platform's user-data folder)
  MLC_MASTER_KEY        base64 of the 32-byte key that encrypts stored secrets
                        (default: an owner-only master.key file in the data folder)
  MLC_SECRET_<SLOT>     a bundle's secret, e.g. MLC_SECRET_ZOHO_REFRESH_TOKEN
  MLC_SETTING_<REF>_<KEY>  a bundle connection's setting, e.g. MLC_SETTING_ZOHO_DATACENTRE
  MLC_KEYRING=off       never ask the OS keyring for missing secrets
  MLC_LOG_LEVEL         debug | info | warn | error (JSON lines on stderr)

Exit codes:
  ${exitCodes.ok}    success
  ${exitCodes.failure}    failed (the message says why)
  ${exitCodes.usage}    wrong usage (unknown command or option)
  ${exitCodes.invalid}    invalid input file or bundle
  ${exitCodes.auth}    credentials missing or refused
  ${exitCodes.remote}    a remote system could not be reached or kept failing
  ${exitCodes.store}    the data folder's store failed: disk full, damaged or unwritable
  ${exitCodes.interrupted}  interrupted`;
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    io.out(help());
    return first === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (first === '-v' || first === '--version') {
    io.out(appVersion());
    return exitCodes.ok;
  }
  if (first === 'help') {
    const command = commands.find((candidate) => candidate.name === rest[0]);
    io.out(command ? command.usage : help());
    return exitCodes.ok;
  }
  const command = commands.find((candidate) => candidate.name === first);
  if (!command) {
    io.err(`mlc: unknown command "${terminalText(first)}". Run \`mlc --help\` for the list.`);
    return exitCodes.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const message = errorMessage(error);
    const usage = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    // A store that cannot be opened or written (damaged, disk full) has its own code and advice.
    const store = storeFailure(error);
    if (store) {
      io.err(`mlc ${command.name}: ${terminalText(redact(store.message))} [${store.code}]`);
      return exitCodes.store;
    }
    io.err(`mlc ${command.name}: ${terminalText(redact(message))}`);
    return usage ? exitCodes.usage : exitCodes.failure;
  }
}

export function processIo(): CommandIo {
  return {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    isTty: Boolean(process.stdout.isTTY),
    env: process.env,
  };
}
