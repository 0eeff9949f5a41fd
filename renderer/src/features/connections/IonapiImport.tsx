import { useEffect, useRef, useState } from 'react';
import { Badge } from '../../components/StateViews';
import { useConnections } from './connections.instance';

/** Reads the first dropped or picked file as text; the backend parses it (one parser, precise errors). */
async function readFile(file: File): Promise<{ fileName: string; content: string }> {
  return { fileName: file.name, content: await file.text() };
}

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

export function useIonapiImport() {
  const importIonapi = useConnections((state) => state.importIonapi);
  return async (file: File) => {
    const { fileName, content } = await readFile(file);
    await importIonapi(fileName, content);
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

/** Result of the last import: what was created, or exactly what is wrong with the file. */
export function ImportBanner() {
  const state = useConnections((store) => store.import);
  const dismiss = useConnections((store) => store.dismissImport);
  if (state.state === 'idle') return null;
  if (state.state === 'importing')
    return (
      <div className="banner" role="status" data-testid="import-banner" data-state="importing">
        <span className="spinner small" aria-hidden="true" /> Importing <b>{state.fileName}</b> and detecting the product line…
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
  const detected = state.connection.settings.productLineDetected === true;
  return (
    <div className="banner banner-ok" role="status" data-testid="import-banner" data-state="done">
      <div className="banner-body">
        <strong>Imported {state.connection.name}</strong>{' '}
        <Badge tone={detected ? 'ok' : 'warn'}>
          {detected ? `detected ${String(state.connection.settings.productLine).toUpperCase()}` : 'product line not detected'}
        </Badge>
        <p className="muted">
          {detected ? 'Test it to see the tenant, token lifetime and a sample.' : 'Choose the product line on its card below, then test it.'}
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
export function GlobalIonapiDrop({ acceptAny, overlay, onImport }: { acceptAny: boolean; overlay: boolean; onImport: () => void }) {
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
