import type { Command } from '../command';
import { inforCommand } from './infor';
import { sandboxCommand } from './sandbox';
import { studioCommand } from './studio';

/** Every `mlc` subcommand, in the order `mlc --help` lists them. */
export const commands: Command[] = [studioCommand, inforCommand, sandboxCommand];
