import type { EventPayload } from '../../../shared/api/contract';
import type { ErrorInfo } from '../../../shared/errors';

export type OpenedFile = EventPayload<'app.openFile'>;

/** Where a handed-over file goes: the same imports a picked or dropped file goes through. */
export interface OpenedFileTargets {
  /** Shows a section (Connections or Bundles), as a drop does. */
  show(section: 'connections' | 'bundles'): void;
  importIonapi(fileName: string, content: string): Promise<unknown>;
  ionapiFailed(fileName: string, error: ErrorInfo): void;
  /** The bundle import preview: checked by the backend, nothing saved before the user confirms. */
  checkBundle(fileName: string, content: string): Promise<unknown>;
  bundleFailed(fileName: string, error: ErrorInfo): void;
}

/**
 * A file the desktop shell was handed (double-click, "Open with", a second launch): an
 * `.ionapi` becomes a connection, a bundle opens in the import preview; a file the shell could
 * not read shows its error where a picked file's would.
 */
export async function importOpenedFile(file: OpenedFile, targets: OpenedFileTargets): Promise<void> {
  if (file.kind === 'ionapi') {
    targets.show('connections');
    if (file.state === 'read') await targets.importIonapi(file.fileName, file.content);
    else targets.ionapiFailed(file.fileName, file.error);
    return;
  }
  targets.show('bundles');
  if (file.state === 'read') await targets.checkBundle(file.fileName, file.content);
  else targets.bundleFailed(file.fileName, file.error);
}
