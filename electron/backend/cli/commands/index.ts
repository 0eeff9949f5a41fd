import type { Command } from '../command';
import { inforCommand } from './infor';
import { sandboxCommand } from './sandbox';
import { studioCommand } from './studio';
import { validateCommand } from './validate';
import { runCommand } from './run';
import { serveCommand } from './serve';
import { runsCommand } from './runs';
import { replayCommand } from './replay';
import { unlockCommand } from './unlock';
import { pruneCommand } from './prune';
import { bundleCommand } from './bundle';
import { workerCommand } from './worker';

/** Every `mlc` subcommand, in the order `mlc --help` lists them. */
export const commands: Command[] = [studioCommand, inforCommand, sandboxCommand];
commands.push(
  validateCommand,
  bundleCommand,
  runCommand,
  serveCommand,
  workerCommand,
  runsCommand,
  replayCommand,
  unlockCommand,
  pruneCommand,
);
