import { useEffect } from 'react';
import { EmptyState, ErrorPanel, Loading } from '../../components/StateViews';
import { connectionsStore, useConnections, useConnectionsView } from '../connections/connections.instance';
import { useSchemaBrowser } from './schemas.instance';
import { SchemaPane } from './SchemaPane';
import './schemas.css';

/**
 * Source and target schemas side by side, from live metadata. Opens with the
 * connections "Browse schema" asked for; otherwise the first Infor connection
 * on the left and the first target on the right.
 */
export function SchemaBrowser() {
  const load = useConnections((state) => state.load);
  const items = useConnections((state) => state.items);
  const error = useConnections((state) => state.error);
  const browse = useConnectionsView((state) => state.browse);
  const panes = useSchemaBrowser((state) => state.panes);
  const choose = useSchemaBrowser((state) => state.choose);

  useEffect(() => {
    if (connectionsStore.getState().load === 'idle') void connectionsStore.getState().refresh();
  }, []);

  // "Browse schema" on a card wins over what the pane showed before.
  useEffect(() => {
    if (browse.source && browse.source !== useSchemaBrowser.getState().panes.source.connectionId) choose('source', { connectionId: browse.source, entity: undefined });
    if (browse.target && browse.target !== useSchemaBrowser.getState().panes.target.connectionId) choose('target', { connectionId: browse.target, entity: undefined });
  }, [browse, choose]);

  // Nothing chosen yet: Infor on the left, a target on the right.
  useEffect(() => {
    if (items.length === 0) return;
    const state = useSchemaBrowser.getState().panes;
    if (!state.source.connectionId) {
      const source = items.find((connection) => connection.system === 'infor');
      if (source) choose('source', { connectionId: source.id });
    }
    if (!state.target.connectionId) {
      const target = items.find((connection) => connection.system !== 'infor');
      if (target) choose('target', { connectionId: target.id });
    }
  }, [items, choose]);

  if (load === 'idle' || load === 'loading') return <Loading label="Loading connections…" />;
  if (load === 'error' && error) return <ErrorPanel title="Could not load connections" error={error} onRetry={() => void connectionsStore.getState().refresh()} />;
  if (items.length === 0)
    return (
      <EmptyState icon="◇" title="No connections to browse" testId="schemas-empty">
        Add a connection (or open the sandbox workspace) first; the browser reads live entity metadata through it.
      </EmptyState>
    );
  return (
    <div className="schema-browser" data-testid="schema-browser">
      <SchemaPane side="source" title="Source" connections={items} {...panes.source} onChange={(patch) => choose('source', patch)} />
      <SchemaPane side="target" title="Target" connections={items} {...panes.target} onChange={(patch) => choose('target', patch)} />
    </div>
  );
}
