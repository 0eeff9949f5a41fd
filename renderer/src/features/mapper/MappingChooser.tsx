import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { entityInfoSchema } from '../../../../shared/api/connectors.contract';
import { systemLabels, type Connection, type ConnectionId } from '../../../../shared/domain/connection';
import { api } from '../../api/client';
import { lineListPaths } from '../../../../shared/mapping/line-records';
import type { NewMappingChoice } from './mapper-session';

type EntityInfo = z.infer<typeof entityInfoSchema>;
type Entities =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ready'; items: EntityInfo[] };

// Module-level so their identity is stable: the entity list is read again only when the connection changes.
const readable = (entity: EntityInfo) => entity.readable;
const writable = (entity: EntityInfo) => entity.writable;

/** Source connection + entity and target connection + entity, from the live connectors. */
export function MappingChooser({
  connections,
  onOpen,
}: {
  connections: Connection[];
  onOpen(choice: NewMappingChoice): void;
}) {
  // Infor first; every target reads too (a reverse flow maps Dynamics contacts or Zoho accounts back to M3).
  const sources = [
    ...connections.filter((connection) => connection.system === 'infor'),
    ...connections.filter((connection) => connection.system !== 'infor'),
  ];
  // CRMs first; Infor connections are targets too (M3 customers and suppliers from a CRM or another company).
  const targets = [
    ...connections.filter((connection) => connection.system !== 'infor'),
    ...connections.filter((connection) => connection.system === 'infor'),
  ];
  const [sourceId, setSourceId] = useState<ConnectionId | ''>(sources[0]?.id ?? '');
  const [targetId, setTargetId] = useState<ConnectionId | ''>(targets[0]?.id ?? '');
  const [sourceEntity, setSourceEntity] = useState('');
  const [targetEntity, setTargetEntity] = useState('');
  const [name, setName] = useState('');
  const sourceEntities = useEntities(sourceId, readable, setSourceEntity);
  const targetEntities = useEntities(targetId, writable, setTargetEntity);
  // Order lines: a mapping can map one line of a nested list (one target record per line).
  const [sourceLines, setSourceLines] = useState('');
  const lineLists = useLineLists(sourceId, sourceEntity);
  useEffect(() => setSourceLines(''), [sourceId, sourceEntity]);

  if (connections.length < 2) {
    return (
      <div className="empty-state" data-testid="mapper-empty">
        <div className="empty-icon" aria-hidden="true">
          ⇄
        </div>
        <h2>Two connections needed</h2>
        <p>
          A mapping reads an entity of one system (usually Infor) and writes an entity of another (usually a CRM). Add
          an Infor connection and a target connection on the Connections page (or open the sandbox workspace there),
          then come back.
        </p>
      </div>
    );
  }
  const ready = sourceId && targetId && sourceEntity && targetEntity;
  const defaultName = `${sourceEntity || 'source'} → ${targetEntity || 'target'}`;
  return (
    <form
      className="panel chooser"
      data-testid="mapping-chooser"
      onSubmit={(event) => {
        event.preventDefault();
        if (!ready) return;
        onOpen({
          name: name.trim() || defaultName,
          sourceConnectionId: sourceId,
          sourceEntity,
          ...(sourceLines ? { sourceLines } : {}),
          targetConnectionId: targetId,
          targetEntity,
        });
      }}
    >
      <h2>New mapping</h2>
      <div className="chooser-grid">
        <fieldset>
          <legend>Read from</legend>
          <label>
            Connection
            <select
              value={sourceId}
              onChange={(event) => setSourceId(event.target.value as ConnectionId)}
              data-testid="choose-source-connection"
            >
              {sources.map((connection) => (
                <option key={connection.id} value={connection.id}>
                  {connection.name} ({systemLabels[connection.system]})
                </option>
              ))}
            </select>
          </label>
          <EntitySelect
            label="Entity"
            entities={sourceEntities}
            value={sourceEntity}
            onChange={setSourceEntity}
            testId="choose-source-entity"
          />
          {lineLists.length > 0 && (
            <label>
              Records
              <select
                value={sourceLines}
                onChange={(event) => setSourceLines(event.target.value)}
                data-testid="choose-source-lines"
              >
                <option value="">One per {sourceEntity} record</option>
                {lineLists.map((path) => (
                  <option key={path} value={path}>
                    One per line of: {path}
                  </option>
                ))}
              </select>
            </label>
          )}
        </fieldset>
        <div className="chooser-arrow" aria-hidden="true">
          →
        </div>
        <fieldset>
          <legend>Write to</legend>
          <label>
            Connection
            <select
              value={targetId}
              onChange={(event) => setTargetId(event.target.value as ConnectionId)}
              data-testid="choose-target-connection"
            >
              {targets.map((connection) => (
                <option key={connection.id} value={connection.id}>
                  {connection.name} ({systemLabels[connection.system]})
                </option>
              ))}
            </select>
          </label>
          <EntitySelect
            label="Entity"
            entities={targetEntities}
            value={targetEntity}
            onChange={setTargetEntity}
            testId="choose-target-entity"
          />
        </fieldset>
      </div>
      <div className="chooser-footer">
        <label>
          Name
          <input
            value={name}
            placeholder={defaultName}
            onChange={(event) => setName(event.target.value)}
            data-testid="choose-name"
          />
        </label>
        <button type="submit" className="button primary" disabled={!ready} data-testid="open-mapper">
          Open mapper
        </button>
      </div>
    </form>
  );
}

function useEntities(
  connectionId: string,
  usable: (entity: EntityInfo) => boolean,
  choose: (entity: string) => void,
): Entities {
  const [entities, setEntities] = useState<Entities>({ state: 'idle' });
  useEffect(() => {
    if (!connectionId) return;
    let live = true;
    setEntities({ state: 'loading' });
    void api.invoke('schemas.entities', { connectionId: connectionId as ConnectionId }).then((result) => {
      if (!live) return;
      if (!result.ok) return setEntities({ state: 'error', message: result.error.message });
      const items = result.value.filter(usable);
      setEntities({ state: 'ready', items });
      choose(items[0]?.id ?? '');
    });
    return () => {
      live = false;
    };
    // Callers pass stable `usable` and `choose` (module-level predicates, state setters), so this runs per connection.
  }, [connectionId, usable, choose]);
  return entities;
}

/** Nested lists of the source entity (`lines`), from its live schema; none while loading or on error. */
function useLineLists(connectionId: string, entity: string): string[] {
  const [paths, setPaths] = useState<string[]>([]);
  useEffect(() => {
    setPaths([]);
    if (!connectionId || !entity) return;
    let live = true;
    void api.invoke('schemas.get', { connectionId: connectionId as ConnectionId, entity }).then((result) => {
      if (live && result.ok) setPaths(lineListPaths(result.value.fields));
    });
    return () => {
      live = false;
    };
  }, [connectionId, entity]);
  return paths;
}

function EntitySelect({
  label,
  entities,
  value,
  onChange,
  testId,
}: {
  label: string;
  entities: Entities;
  value: string;
  onChange(value: string): void;
  testId: string;
}) {
  return (
    <label>
      {label}
      {entities.state === 'error' ? (
        <span className="error-text small">{entities.message}</span>
      ) : (
        <select
          value={value}
          disabled={entities.state !== 'ready'}
          onChange={(event) => onChange(event.target.value)}
          data-testid={testId}
        >
          {entities.state !== 'ready' && <option value="">Loading…</option>}
          {entities.state === 'ready' &&
            entities.items.map((entity) => (
              <option key={entity.id} value={entity.id}>
                {entity.label}
              </option>
            ))}
        </select>
      )}
    </label>
  );
}
