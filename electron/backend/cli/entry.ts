import { errorMessage } from '../../../shared/errors';
import { main, processIo } from './main';
import { terminalText } from './terminal-text';

// The bundle entry for bin/mlc.js.
main(process.argv.slice(2), processIo()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`mlc: ${terminalText(errorMessage(error))}\n`);
    process.exit(1);
  },
);
