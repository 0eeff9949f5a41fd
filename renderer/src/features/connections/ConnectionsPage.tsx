import { useCallback, useEffect, useState } from 'react';
import { systemLabels, type Connection } from '../../../../shared/domain/connection';
import type { ErrorInfo } from '../../../../shared/errors';
import { api } from '../../api/client';

type Load = { state: 'loading' } | { state: 'error'; error: ErrorInfo } | { state: 'ready'; items: Connection[] };

export function ConnectionsPage() {
  const [load, setLoad] = useState<Load>({ state: 'loading' });

  const refresh = useCallback(async () => {
    const result = await api.invoke('connections.list', {});
    setLoad(result.ok ? { state: 'ready', items: result.value } : { state: 'error', error: result.error });
  }, []);

  useEffect(() => {
    void refresh();
    return api.on('connections.changed', () => void refresh());
  }, [refresh]);

  const remove = async (connection: Connection) => {
    if (!window.confirm(`Remove the connection “${connection.name}” and its stored credentials?`)) return;
    const result = await api.invoke('connections.remove', { id: connection.id });
    if (!result.ok) setLoad({ state: 'error', error: result.error });
  };

  if (load.state === 'loading') return <p className="muted" data-testid="connections-loading">Loading connections…</p>;
  if (load.state === 'error') {
    return (
      <div className="panel error-panel" role="alert">
        <h2>Could not load connections</h2>
        <p>{load.error.message}</p>
        <button type="button" className="button" onClick={() => void refresh()}>
          Retry
        </button>
      </div>
    );
  }
  if (load.items.length === 0) {
    return (
      <div className="empty-state" data-testid="connections-empty">
        <div className="empty-icon" aria-hidden="true">⇄</div>
        <h2>No connections yet</h2>
        <p>
          Drop an Infor <code>.ionapi</code> file here to connect your ERP, then add the CRM you sync into. Importing
          files and the sandbox workspace arrive with the connector release.
        </p>
      </div>
    );
  }
  return (
    <table className="table" data-testid="connections-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>System</th>
          <th>Credentials</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {load.items.map((connection) => (
          <tr key={connection.id}>
            <td>
              {connection.name} {connection.sandbox && <span className="badge">sandbox</span>}
            </td>
            <td>{systemLabels[connection.system]}</td>
            <td>{connection.secretsSet.length > 0 ? connection.secretsSet.map((slot) => `${slot}: set`).join(', ') : '—'}</td>
            <td className="actions">
              <button type="button" className="button ghost" onClick={() => void remove(connection)}>
                Remove
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
