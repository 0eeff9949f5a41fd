// Files the operating system hands to the app (file associations in electron-builder.yml):
// plain functions without an 'electron' import, so they are unit-tested under Node.
// macOS sends `open-file` events (also before `ready`, for the file that launched the app);
// Windows and Linux start the app with the path in argv, and a second launch with a path
// reaches the running app as `second-instance` (the single-instance lock makes it quit).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { OpenedFileKind } from '../../shared/api/app.contract';
import type { EventPayload } from '../../shared/api/contract';
import { ionapiMaxBytes, ionapiTooLargeMessage } from '../../shared/api/connectors.contract';
import { bundleMaxBytes, isBundleFileName } from '../../shared/bundle/bundle.schema';
import { errorMessage } from '../../shared/errors';

export type OpenFileEvent = EventPayload<'app.openFile'>;

/** What a path is by its extension; undefined for anything the app does not import. */
export function openedFileKind(file: string): OpenedFileKind | undefined {
  if (/\.ionapi$/i.test(file)) return 'ionapi';
  if (isBundleFileName(file)) return 'bundle';
  return undefined;
}

/**
 * The files in a launch's command line: `argv` as Electron gives it (the executable first, then
 * Chromium switches it may have added or reordered, then in development the app folder, then the
 * user's arguments). Only paths with an extension the app imports count, so switches and the
 * app folder never pass; relative paths are resolved against the launch's working directory.
 */
export function filesFromArgv(argv: readonly string[], workingDirectory: string): string[] {
  return argv
    .slice(1)
    .filter((arg) => !arg.startsWith('-') && openedFileKind(arg) !== undefined)
    .map((arg) => path.resolve(workingDirectory, arg));
}

/** The few file-system calls reading a handed-over file needs (node:fs/promises in the app). */
export interface FileAccess {
  size(file: string): Promise<number>;
  readText(file: string): Promise<string>;
}

export const nodeFileAccess: FileAccess = {
  size: async (file) => (await fs.stat(file)).size,
  readText: (file) => fs.readFile(file, 'utf8'),
};

/**
 * Reads a handed-over file into the event the window imports it from. Size is checked before
 * reading, with the limits the backend enforces anyway, so a wrong huge file is never loaded.
 */
export async function readOpenedFile(file: string, access: FileAccess): Promise<OpenFileEvent | undefined> {
  const kind = openedFileKind(file);
  if (!kind) return undefined;
  const fileName = path.basename(file);
  try {
    const bytes = await access.size(file);
    if (kind === 'ionapi' && bytes > ionapiMaxBytes) {
      return {
        state: 'error',
        kind,
        fileName,
        error: { code: 'E_IONAPI_TOO_LARGE', message: ionapiTooLargeMessage(fileName, bytes) },
      };
    }
    if (kind === 'bundle' && bytes > bundleMaxBytes) {
      return {
        state: 'error',
        kind,
        fileName,
        error: {
          code: 'E_BUNDLE_INVALID',
          message: `${fileName} is ${Math.round(bytes / 1_000_000)} MB; a bundle is at most ${bundleMaxBytes / 1_000_000} MB. Export it again with fewer samples.`,
        },
      };
    }
    return { state: 'read', kind, fileName, content: await access.readText(file) };
  } catch (error) {
    return { state: 'error', kind, fileName, error: { code: 'E_NOT_FOUND', message: unreadable(file, error) } };
  }
}

/** Why a handed-over file could not be read, in words (the system's message repeats the path). */
function unreadable(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'it is not there any more (moved or deleted?). Find it and open it again.'
      : code === 'EACCES' || code === 'EPERM'
        ? 'your account may not read it. Copy it somewhere you can read, or ask for access, and open it again.'
        : code === 'EISDIR'
          ? 'it is a folder, not a file.'
          : `${errorMessage(error)}. Check that the file still exists and that you may read it, then open it again.`;
  return `Could not open ${file}: ${why}`;
}

/**
 * What the queue delivers to once the window listens: reads each file and sends its event
 * (`send` is the window's `webContents.send('mlc:event', 'app.openFile', …)`, skipped once it
 * closed), one after the other, so files go out in the order they were opened whatever their size.
 */
export function openedFileSender(
  send: (event: OpenFileEvent) => void,
  access: FileAccess = nodeFileAccess,
): (file: string) => Promise<void> {
  let previous: Promise<void> = Promise.resolve();
  return (file) => {
    const read = readOpenedFile(file, access);
    previous = previous.then(async () => {
      const event = await read;
      if (event) send(event);
    });
    return previous;
  };
}

/**
 * Holds handed-over files until a window can import them: the file that launched the app
 * arrives before any window exists, and macOS keeps the app running with no window open.
 * `attach` is called once the window's page loaded (its listener is in place), `detach` when it closes.
 */
export class OpenedFileQueue {
  private pending: string[] = [];
  private deliver?: (file: string) => void;

  add(file: string): void {
    if (openedFileKind(file) === undefined) return;
    if (this.deliver) this.deliver(file);
    else this.pending.push(file);
  }

  attach(deliver: (file: string) => void): void {
    this.deliver = deliver;
    const files = this.pending;
    this.pending = [];
    for (const file of files) deliver(file);
  }

  detach(): void {
    this.deliver = undefined;
  }

  get waiting(): readonly string[] {
    return this.pending;
  }
}
