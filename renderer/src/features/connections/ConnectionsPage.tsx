import { useEffect, useState } from 'react';
import { systemLabels, type Connection } from '../../../../shared/domain/connection';
import { Segmented } from '../../components/Segmented';
import { EmptyState, ErrorPanel, Loading } from '../../components/StateViews';
import { SchemaBrowser } from '../schemas/SchemaBrowser';
import { ConnectionCard } from './ConnectionCard';
import { ConnectionForm } from './ConnectionForm';
import { formSystems, type FormSystem } from './connection-forms';
import { connectionsStore, useConnections, useConnectionsView } from './connections.instance';
import { ImportBanner, IonapiPicker } from './IonapiImport';
import { SandboxPanel, SandboxButton } from './SandboxPanel';
import './connections.css';

type Editing = { mode: 'create'; system: FormSystem } | { mode: 'edit'; connection: Connection } | undefined;

export function ConnectionsPage() {
  const view = useConnectionsView((state) => state.view);
  const show = useConnectionsView((state) => state.show);

  useEffect(() => {
    const { refresh, follow, loadSandboxStatus } = connectionsStore.getState();
    void refresh();
    void loadSandboxStatus();
    return follow();
  }, []);

  return (
    <div className="connections-page">
      <div className="toolbar page-tabs">
        <Segmented
          label="Connections view"
          value={view}
          onChange={show}
          testId="connections-view"
          options={[
            { value: 'list', label: 'Connections' },
            { value: 'schemas', label: 'Schema browser' },
          ]}
        />
      </div>
      {view === 'list' ? <ConnectionList /> : <SchemaBrowser />}
    </div>
  );
}

function ConnectionList() {
  const load = useConnections((state) => state.load);
  const items = useConnections((state) => state.items);
  const error = useConnections((state) => state.error);
  const tests = useConnections((state) => state.tests);
  const signIns = useConnections((state) => state.signIns);
  const actionError = useConnections((state) => state.actionError);
  const { refresh, test, cancelTest, testAll, remove, setProductLine, update } = connectionsStore.getState();
  const browseSchema = useConnectionsView((state) => state.browseSchema);
  const [editing, setEditing] = useState<Editing>();

  const confirmRemove = (connection: Connection) => {
    // A native confirm: modal, keyboard-accessible, and the same in Electron and the browser.
    if (
      window.confirm(
        `Remove the connection “${connection.name}” and its stored credentials? Flows that use it stop working.`,
      )
    )
      void remove(connection.id);
  };

  const header = (
    <div className="toolbar connections-toolbar">
      <AddConnectionMenu onPick={(system) => setEditing({ mode: 'create', system })} />
      <IonapiPicker />
      <SandboxButton />
      <span className="grow" />
      {items.length > 0 && (
        <button type="button" className="button" onClick={() => void testAll()} data-testid="test-all">
          Test all
        </button>
      )}
    </div>
  );

  let body;
  if (load === 'idle' || load === 'loading')
    body = <Loading label="Loading connections…" testId="connections-loading" />;
  else if (load === 'error' && error)
    body = (
      <ErrorPanel
        title="Could not load connections"
        error={error}
        onRetry={() => void refresh()}
        testId="connections-error"
      />
    );
  else if (items.length === 0 && !editing)
    body = (
      <EmptyState
        icon="⇄"
        title="No connections yet"
        testId="connections-empty"
        actions={
          <>
            <IonapiPicker primary />
            <SandboxButton quiet />
          </>
        }
      >
        <p>
          Drop an Infor <code>.ionapi</code> file anywhere on this window to connect your ERP, then add the CRM you sync
          into. No credentials at hand? The sandbox workspace connects simulators of all six systems on this machine.
        </p>
      </EmptyState>
    );
  else
    body = (
      <div className="connection-grid" data-testid="connections-table">
        {items.map((connection) => (
          <ConnectionCard
            key={connection.id}
            connection={connection}
            test={tests[connection.id]}
            signIn={signIns[connection.id]}
            // The system browser: the desktop shell turns window.open into shell.openExternal (shell policy).
            onSignIn={() =>
              void connectionsStore
                .getState()
                .signIn(connection.id, (url) => void window.open(url, '_blank', 'noopener'))
            }
            onCancelSignIn={() => void connectionsStore.getState().cancelSignIn(connection.id)}
            onTest={() => void test(connection.id)}
            onCancelTest={() => void cancelTest(connection.id)}
            onBrowse={() => browseSchema(connection.system === 'infor' ? 'source' : 'target', connection.id)}
            onEdit={connection.system === 'infor' ? undefined : () => setEditing({ mode: 'edit', connection })}
            onRemove={() => confirmRemove(connection)}
            onProductLine={(productLine) => void setProductLine(connection.id, productLine)}
            onSettings={(settings) => void update({ id: connection.id, settings })}
            onListConfigurations={() => connectionsStore.getState().csiConfigurations(connection.id)}
            onInforChoice={(choice) => void connectionsStore.getState().setInforChoice(connection.id, choice)}
            onTenantCheck={{
              load: () => connectionsStore.getState().tenantCheck(connection.id),
              run: () => connectionsStore.getState().checkTenant(connection.id),
            }}
          />
        ))}
      </div>
    );

  return (
    <>
      {header}
      <ImportBanner />
      <SandboxPanel />
      {actionError && !editing && (
        <ErrorPanel title="That did not work" error={actionError} testId="connections-action-error" />
      )}
      {editing && (
        <ConnectionForm
          key={editing.mode === 'edit' ? editing.connection.id : editing.system}
          system={editing.mode === 'edit' ? (editing.connection.system as FormSystem) : editing.system}
          connection={editing.mode === 'edit' ? editing.connection : undefined}
          onDone={() => setEditing(undefined)}
        />
      )}
      {body}
    </>
  );
}

function AddConnectionMenu({ onPick }: { onPick(system: FormSystem): void }) {
  return (
    <label className="add-connection">
      <span className="visually-hidden">Add a connection to</span>
      <select
        className="select"
        value=""
        data-testid="add-connection"
        onChange={(event) => {
          if (event.target.value) onPick(event.target.value as FormSystem);
        }}
      >
        <option value="">Add connection…</option>
        {formSystems.map((system) => (
          <option key={system} value={system}>
            {systemLabels[system]}
          </option>
        ))}
      </select>
    </label>
  );
}
