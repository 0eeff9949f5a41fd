import { useEffect } from 'react';
import { ErrorPanel, Loading } from '../../components/StateViews';
import { Segmented } from '../../components/Segmented';
import { useWindowDrop } from '../connections/IonapiImport';
import { bundlesStore, useBundles } from './bundles.instance';
import { ExportPanel } from './ExportPanel';
import { checkBundleFile, ImportPanel } from './ImportPanel';
// System marks, the drop overlay and the file button are styled there.
import '../connections/connections.css';
import './bundles.css';

/**
 * Bundles: export flows with their mappings and connections (no secrets) as one
 * file for the headless runtime, and import such a file after checking it.
 * A file dropped anywhere on the window goes to the import side.
 */
export function BundlesPage() {
  const tab = useBundles((state) => state.tab);
  const catalog = useBundles((state) => state.catalog);
  const dragging = useWindowDrop((file) => void checkBundleFile(file));

  useEffect(() => {
    void bundlesStore.getState().loadCatalog();
  }, []);

  return (
    <div className="bundles-page" data-testid="bundles-page">
      <div className="toolbar">
        <Segmented
          label="Bundles"
          value={tab}
          onChange={(value) => bundlesStore.getState().setTab(value)}
          options={[
            { value: 'export', label: 'Export' },
            { value: 'import', label: 'Import' },
          ]}
          testId="bundles-tab"
        />
        <span className="muted small">
          {tab === 'export'
            ? 'Package what you designed for mlc run / mlc serve.'
            : 'Bring a bundle into this workspace, checked before anything is saved.'}
        </span>
      </div>
      {tab === 'import' ? (
        <ImportPanel />
      ) : catalog.state === 'idle' || catalog.state === 'loading' ? (
        <Loading label="Loading flows and mappings…" testId="bundles-loading" />
      ) : catalog.state === 'error' && catalog.error ? (
        <ErrorPanel
          title="Could not load what there is to export"
          error={catalog.error}
          onRetry={() => void bundlesStore.getState().loadCatalog()}
          testId="bundles-error"
        />
      ) : (
        <ExportPanel />
      )}
      {dragging && (
        <div className="drop-overlay" data-testid="bundle-drop-overlay" aria-hidden="true">
          <div className="drop-card">
            <div className="empty-icon">⇣</div>
            <h2>Drop the bundle file</h2>
            <p className="muted">It is checked first; nothing is saved until you confirm.</p>
          </div>
        </div>
      )}
    </div>
  );
}
