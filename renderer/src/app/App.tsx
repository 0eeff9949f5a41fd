import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConnectionsPage } from '../features/connections/ConnectionsPage';
import { GlobalIonapiDrop } from '../features/connections/IonapiImport';
import { FlowsPage } from '../features/flows/FlowsPage';
import { RunsPage } from '../features/runs/RunsPage';
import { MapperPage } from '../features/mapper/MapperPage';
import { BundlesPage } from '../features/bundles/BundlesPage';
import { transportKind } from '../api/client';
import { useAppStore, type Section } from './app.store';
import { ErrorBoundary } from './ErrorBoundary';
import { Sidebar, sectionLabels } from './Sidebar';
import { ThemeToggle } from './ThemeToggle';
import { Notices } from './Notices';
import type { AppInfo } from '../../../shared/api/app.contract';
import { formatDateTime } from '../components/format';

/**
 * An emptied or swapped store has lost the run history, id map and watermarks: the next run of
 * each flow re-reads and resyncs everything. Said before anyone presses Run, so a backup can be
 * restored instead.
 */
function StoreReplacedBanner({
  warning,
  dataDir,
}: {
  warning: NonNullable<AppInfo['storeReplaced']>;
  dataDir: string;
}) {
  const flows = warning.flowsToResync;
  return (
    <div className="store-banner" role="alert" data-testid="store-replaced">
      <strong>This data folder’s database is not the one it used before.</strong> Its run history, id map and watermarks
      are gone (noticed {formatDateTime(warning.detectedAt)}), so{' '}
      {flows.length > 0
        ? `the next run of ${flows.join(', ')} will re-read and resync everything`
        : 'every flow’s next run will resync everything'}
      . If that is unexpected, restore <code>mlc.sqlite</code> in {dataDir} from a backup before running.
    </div>
  );
}

function SectionView({ section }: { section: Section }) {
  switch (section) {
    case 'connections':
      return <ConnectionsPage />;
    case 'mapper':
      return <MapperPage />;
    case 'flows':
      return <FlowsPage />;
    case 'runs':
      return <RunsPage />;
    case 'bundles':
      return <BundlesPage />;
  }
}

export function App() {
  const { section, ready, info, startupError, start } = useAppStore(
    useShallow((state) => ({
      section: state.section,
      ready: state.ready,
      info: state.info,
      startupError: state.startupError,
      start: state.start,
    })),
  );

  useEffect(() => {
    void start();
  }, [start]);

  return (
    <div className="app" data-testid="app" data-ready={ready ? 'true' : 'false'}>
      <Sidebar />
      <GlobalIonapiDrop
        acceptAny={section === 'connections'}
        overlay={section !== 'bundles'}
        onImport={() => useAppStore.getState().go('connections')}
      />
      <main className="main">
        <header className="topbar">
          <div>
            <h1 data-testid="section-title">{sectionLabels[section].label}</h1>
            <p className="muted">{sectionLabels[section].hint}</p>
          </div>
          <ThemeToggle />
        </header>
        {info?.storeReplaced ? <StoreReplacedBanner warning={info.storeReplaced} dataDir={info.dataDir} /> : null}
        <Notices />
        <section className="content" data-testid={`section-${section}`}>
          {startupError ? (
            <div className="panel error-panel" role="alert" data-testid="startup-error">
              <h2>The backend did not answer</h2>
              <p>{startupError.message}</p>
            </div>
          ) : (
            <ErrorBoundary resetKey={section}>
              <SectionView section={section} />
            </ErrorBoundary>
          )}
        </section>
        <footer className="statusbar">
          <span>{info ? `v${info.version}` : '…'}</span>
          <span>JSONata {info?.jsonataVersion ?? '…'}</span>
          <span>{transportKind === 'ipc' ? 'Desktop' : 'Browser (mlc studio)'}</span>
          <span className="grow" />
          <span title="Data folder">{info?.dataDir}</span>
        </footer>
      </main>
    </div>
  );
}
