import fs from 'node:fs';
import { AppError } from '../../../shared/errors';

/** `NAME` or the contents of the file `NAME_FILE` names (trailing newline dropped). */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const direct = env[name];
  if (direct) return direct;
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new AppError(
      'E_INVALID_INPUT',
      `${name}_FILE names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`,
    );
  }
}
