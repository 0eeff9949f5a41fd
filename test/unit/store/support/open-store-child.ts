// Opens (creating and migrating) the store file argv[2] at the instant argv[3] (epoch ms), so several
// of these processes migrate one new store at the same moment.
import { openDatabase } from '../../../../electron/backend/store/database';

const [file, at] = process.argv.slice(2);
while (Date.now() < Number(at)) {
  // Busy-wait: a timer would let the processes drift apart by a scheduler tick.
}
try {
  openDatabase({ file: file! }).close();
  process.stdout.write('opened\n');
} catch (error) {
  process.stdout.write(`failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
