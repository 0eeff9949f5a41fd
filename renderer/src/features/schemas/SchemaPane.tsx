import { useEffect, useMemo, useState } from 'react';
import { type Connection, type ConnectionId } from '../../../../shared/domain/connection';
import { EmptyState, ErrorPanel, Loading } from '../../components/StateViews';
import { formatRelative } from '../../components/format';
import { countFields } from './schema-tree';
import { schemaKey, type EntityInfo } from './schemas.store';
import { schemasStore, useSchemas } from './schemas.instance';
import { SchemaTree } from './SchemaTree';
import { AddEntityPanel } from './AddEntityPanel';
import { DriftReport } from './DriftReport';

/** The entity a side opens with: the source reads, the target writes. */
export function defaultEntity(entities: EntityInfo[], side: 'source' | 'target'): string | undefined {
  const fit = entities.find((entity) => (side === 'source' ? entity.readable : entity.writable));
  return (fit ?? entities[0])?.id;
}

/**
 * One side of the schema browser: pick a connection and an entity, search the
 * fields, refresh from the live system.
 */
export function SchemaPane({
  side,
  title,
  connections,
  connectionId,
  entity,
  onChange,
}: {
  side: 'source' | 'target';
  title: string;
  connections: Connection[];
  connectionId?: ConnectionId;
  entity?: string;
  onChange(patch: { connectionId?: ConnectionId; entity?: string }): void;
}) {
  const [query, setQuery] = useState('');
  const [adding, setAdding] = useState(false);
  const entities = useSchemas((state) => (connectionId ? state.entities[connectionId] : undefined));
  const schema = useSchemas((state) => (connectionId && entity ? state.schemas[schemaKey(connectionId, entity)] : undefined));
  const drift = useSchemas((state) => (connectionId && entity ? state.drift[schemaKey(connectionId, entity)] : undefined));
  const { loadEntities, loadSchema, refreshSchema, dismissDrift } = schemasStore.getState();

  useEffect(() => {
    if (!connectionId) return;
    void loadEntities(connectionId).then((list) => {
      if (list && !entity) {
        const chosen = defaultEntity(list, side);
        if (chosen) onChange({ entity: chosen });
      }
    });
    // Only a new connection re-reads the entity list: `onChange` changes every render, and the
    // entity is read as it stands when the connection changes (a later pick must not re-default it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectionId, loadEntities, side]);

  useEffect(() => {
    if (connectionId && entity) void loadSchema(connectionId, entity);
  }, [connectionId, entity, loadSchema]);

  const fieldCount = useMemo(() => (schema?.value ? countFields(schema.value.fields) : 0), [schema?.value]);
  const testId = `schema-pane-${side}`;

  let body;
  if (!connectionId) body = <EmptyState icon="◇" title={`Pick a ${side} connection`}>Its entities and fields come from the live system.</EmptyState>;
  else if (entities?.state === 'error' && !entities.value)
    body = <ErrorPanel title="Could not list the entities" error={entities.error} onRetry={() => void loadEntities(connectionId, { force: true })} testId={`${testId}-error`} />;
  else if (!entity) body = <Loading label="Reading the entity list…" testId={`${testId}-loading`} />;
  else if (schema?.state === 'error' && !schema.value)
    body = <ErrorPanel title={`Could not read the ${entity} schema`} error={schema.error} onRetry={() => void loadSchema(connectionId, entity, { refresh: true })} testId={`${testId}-error`} />;
  else if (!schema?.value) body = <Loading label={`Reading ${entity} metadata from the live system…`} testId={`${testId}-loading`} />;
  else body = <SchemaTree fields={schema.value.fields} keyFields={schema.value.keyFields} query={query} testId={`${testId}-tree`} />;

  const current = connections.find((connection) => connection.id === connectionId);
  return (
    <section className="schema-pane panel" data-testid={testId} aria-label={`${title} schema`}>
      <header className="schema-pane-head">
        <div className="schema-pane-title">
          <span className="pane-side">{title}</span>
          {schema?.value && (
            <span className="muted" data-testid={`${testId}-summary`}>
              {schema.value.label} · {fieldCount} fields · fetched {formatRelative(schema.value.fetchedAt)}
            </span>
          )}
        </div>
        <span className="schema-pane-actions">
        {/* Infor entities are open-ended: any table, IDO, set or class the tenant exposes can be added. */}
        {current?.system === 'infor' && (
          <button
            type="button"
            className="button small"
            onClick={() => setAdding((open) => !open)}
            aria-expanded={adding}
            data-testid={`${testId}-add-entity`}
          >
            Add entity…
          </button>
        )}
        <button
          type="button"
          className="button small"
          disabled={!connectionId || !entity || schema?.state === 'loading'}
          onClick={() => connectionId && entity && void refreshSchema(connectionId, entity)}
          data-testid={`${testId}-refresh`}
          title="Read the metadata again from the system and check saved mappings against it"
        >
          {schema?.state === 'loading' && schema.value ? 'Refreshing…' : 'Refresh'}
        </button>
        </span>
      </header>
      <div className="schema-pickers">
        <label className="form-field">
          <span>Connection</span>
          <select
            className="select"
            value={connectionId ?? ''}
            onChange={(event) => onChange({ connectionId: (event.target.value || undefined) as ConnectionId | undefined, entity: undefined })}
            data-testid={`${testId}-connection`}
          >
            <option value="">Choose…</option>
            {connections.map((connection) => (
              <option key={connection.id} value={connection.id}>
                {connection.name}
              </option>
            ))}
          </select>
        </label>
        <label className="form-field">
          <span>Entity</span>
          <select
            className="select"
            value={entity ?? ''}
            disabled={!entities?.value}
            onChange={(event) => onChange({ entity: event.target.value || undefined })}
            data-testid={`${testId}-entity`}
          >
            {!entity && <option value="">{entities?.state === 'loading' ? 'Loading…' : 'Choose…'}</option>}
            {entities?.value?.map((info) => (
              <option key={info.id} value={info.id}>
                {info.label}
                {side === 'target' && !info.writable ? ' (read only)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="form-field search-field">
          <span>Search fields</span>
          <input
            className="input"
            type="search"
            placeholder={current ? `Name, label or path in ${current.name}` : 'Name, label or path'}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            data-testid={`${testId}-search`}
          />
        </label>
      </div>
      {adding && connectionId && current?.system === 'infor' && (
        <AddEntityPanel
          connectionId={connectionId}
          productLine={typeof current.settings.productLine === 'string' ? current.settings.productLine : 'm3'}
          onAdded={(added) => {
            setAdding(false);
            onChange({ entity: added });
          }}
          onClose={() => setAdding(false)}
        />
      )}
      {schema?.state === 'error' && schema.value && (
        <p className="inline-error" role="alert">
          Refresh failed ({schema.error.code}): {schema.error.message} Showing the cached schema.
        </p>
      )}
      {drift && connectionId && entity && (
        <DriftReport entity={schema?.value?.label ?? entity} findings={drift} onDismiss={() => dismissDrift(connectionId, entity)} testId={`${testId}-drift`} />
      )}
      <div className="schema-pane-body">{body}</div>
    </section>
  );
}
