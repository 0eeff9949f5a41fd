/** Exit codes shared by every `mlc` command; documented in `mlc --help` and the README. */
export const exitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** A bundle or input file failed validation. */
  invalid: 3,
  /** Credentials were missing or refused. */
  auth: 4,
  /** A remote system could not be reached or kept failing. */
  remote: 5,
  /** The data folder's store failed: disk full, damaged or unwritable. */
  store: 6,
  /** Interrupted by a signal before finishing. */
  interrupted: 130,
} as const;

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** One line for `mlc --help`. */
  summary: string;
  /** Full usage text for `mlc help <command>`. */
  usage: string;
  run(argv: string[], io: CommandIo): Promise<number>;
}
