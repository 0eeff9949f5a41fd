import { useEffect, useRef, useState } from 'react';
import { Badge } from '../../components/StateViews';
import { useConnections } from './connections.instance';

/** Calls `onFile` for a file dropped anywhere on the window; true while a file is dragged over it. */
export function useWindowDrop(onFile: (file: File) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const onFileRef = useRef(onFile);
  onFileRef.current = onFile;
  useEffect(() => {
    let depth = 0;
    const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      // Without this the browser opens the file instead of handing it to us.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const file = event.dataTransfer?.files[0];
      if (file) onFileRef.current(file);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}

/** Imports a dropped or picked file: the store checks its size, the backend parses it (one parser, precise errors). */
export function useIonapiImport() {
  const importFile = useConnections((state) => state.importFile);
  return async (file: File) => {
    await importFile(file);
  };
}

/** The "Import .ionapi…" button: a real file input behind a label, so it is keyboard reachable. */
export function IonapiPicker({ primary }: { primary?: boolean }) {
  const run = useIonapiImport();
  return (
    <label className={`button file-button${primary ? ' primary' : ''}`} data-testid="ionapi-picker">
      Import .ionapi…
      <input
        type="file"
        accept=".ionapi,application/json"
        className="visually-hidden"
        data-testid="ionapi-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void run(file);
        }}
      />
    </label>
  );
}

export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
      <div className="drop-card">
        <div className="empty-icon">⇣</div>
        <h2>Drop the .ionapi file</h2>
        <p className="muted">It becomes an Infor connection; its secrets go to the encrypted store.</p>
      </div>
    </div>
  );
}

/** Result of the last import: what was created, exactly what is wrong with the file, or "already imported". */
export function ImportBanner() {
  const state = useConnections((store) => store.import);
  const items = useConnections((store) => store.items);
  const dismiss = useConnections((store) => store.dismissImport);
  const resolveDuplicate = useConnections((store) => store.resolveDuplicate);
  if (state.state === 'idle') return null;
  if (state.state === 'importing')
    return (
      <div className="banner" role="status" data-testid="import-banner" data-state="importing">
        <span className="spinner small" aria-hidden="true" /> Importing <b>{state.fileName}</b>…
      </div>
    );
  if (state.state === 'error')
    return (
      <div className="banner banner-danger" role="alert" data-testid="import-banner" data-state="error">
        <div className="banner-body">
          <strong>
            Could not import {state.fileName} <code className="error-code">{state.error.code}</code>
          </strong>
          <p data-testid="import-error">{state.error.message}</p>
        </div>
        <button type="button" className="button small ghost" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    );
  if (state.state === 'duplicate') {
    const existing = state.matches[0]!;
    return (
      <div
        className="banner banner-warn"
        role="alertdialog"
        aria-labelledby="import-duplicate-title"
        data-testid="import-banner"
        data-state="duplicate"
      >
        <div className="banner-body">
          <strong id="import-duplicate-title">{state.fileName} is already imported</strong>
          <p data-testid="import-duplicate">
            It has the same tenant, client id and token endpoint as “{existing.name}”
            {state.matches.length > 1 ? ` and ${state.matches.length - 1} more` : ''}.
          </p>
        </div>
        <div className="banner-actions">
          <button
            type="button"
            className="button small primary"
            onClick={() => void resolveDuplicate({ updateId: existing.id })}
            data-testid="import-update-existing"
          >
            Update “{existing.name}”
          </button>
          <button
            type="button"
            className="button small"
            onClick={() => void resolveDuplicate('create')}
            data-testid="import-create-new"
          >
            Create a new one
          </button>
          <button type="button" className="button small ghost" onClick={dismiss}>
            Cancel
          </button>
        </div>
      </div>
    );
  }
  // The live connection: the first test may detect the product line after the import.
  const connection = items.find((item) => item.id === state.connection.id) ?? state.connection;
  const line = String(connection.settings.productLine ?? 'm3').toUpperCase();
  const badge =
    connection.settings.productLineDetected === true
      ? { tone: 'ok' as const, text: `detected ${line}` }
      : connection.settings.productLineChosen === true
        ? { tone: 'ok' as const, text: line }
        : { tone: 'warn' as const, text: 'product line not detected yet' };
  return (
    <div className="banner banner-ok" role="status" data-testid="import-banner" data-state="done">
      <div className="banner-body">
        <strong>
          {state.updated ? 'Updated' : 'Imported'} {connection.name}
        </strong>{' '}
        <Badge tone={badge.tone}>{badge.text}</Badge>
        <p className="muted">
          Testing it now: the test signs in{badge.tone === 'warn' ? ', detects the product line' : ''} and reads a
          sample. You can pick the product line on its card at any time.
        </p>
      </div>
      <button type="button" className="button small ghost" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}

/**
 * A `.ionapi` file dropped anywhere on the window, on any screen, creates an
 * Infor connection and opens Connections to show it. On the Connections screen
 * any file is handed to the importer (its errors say what is wrong); elsewhere
 * only `.ionapi` files, so other screens (Bundles) can take their own files.
 */
export function GlobalIonapiDrop({
  acceptAny,
  overlay,
  onImport,
}: {
  acceptAny: boolean;
  overlay: boolean;
  onImport: () => void;
}) {
  const importFile = useIonapiImport();
  const acceptAnyRef = useRef(acceptAny);
  acceptAnyRef.current = acceptAny;
  const dragging = useWindowDrop((file) => {
    if (!acceptAnyRef.current && !/\.ionapi$/i.test(file.name)) return;
    onImport();
    void importFile(file);
  });
  return dragging && overlay ? <DropOverlay /> : null;
}
