import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../../../../shared/api/client';
import type { MethodOutput } from '../../../../shared/api/contract';
import type { SchemaDriftFinding } from '../../../../shared/api/schemas.contract';
import type { ConnectionId } from '../../../../shared/domain/connection';
import type { EntitySchema } from '../../../../shared/domain/entity-schema';
import type { ErrorInfo } from '../../../../shared/errors';

export type EntityInfo = MethodOutput<'schemas.entities'>[number];

export type Loadable<T> = { state: 'loading'; value?: T } | { state: 'ready'; value: T } | { state: 'error'; error: ErrorInfo; value?: T };

export const schemaKey = (connectionId: string, entity: string) => `${connectionId}\u0000${entity}`;

export interface SchemasState {
  entities: Record<string, Loadable<EntityInfo[]>>;
  /** By `schemaKey(connection, entity)`; a refresh keeps the old value visible while it loads. */
  schemas: Record<string, Loadable<EntitySchema>>;
  loadEntities(connectionId: ConnectionId, options?: { force?: boolean }): Promise<EntityInfo[] | undefined>;
  loadSchema(connectionId: ConnectionId, entity: string, options?: { refresh?: boolean }): Promise<EntitySchema | undefined>;
  /**
   * What the last Refresh of a schema broke in saved mappings, by `schemaKey`: present only when
   * that refresh changed the schema and a mapped field disappeared or changed type.
   */
  drift: Record<string, SchemaDriftFinding[]>;
  /** Reads the schema again from the live system and keeps the drift report it comes with. */
  refreshSchema(connectionId: ConnectionId, entity: string): Promise<EntitySchema | undefined>;
  dismissDrift(connectionId: string, entity: string): void;
  /**
   * Adds a catalogue object (Infor table, IDO, set, class) as an entity of the connection; the
   * entity list becomes the backend's answer. Resolves to the new entity's id, or the error.
   */
  addEntity(connectionId: ConnectionId, kind: string, name: string, options?: { table?: string; keys?: string[] }): Promise<{ ok: true; id: string } | { ok: false; error: ErrorInfo }>;
  /** Connection settings changed or it went away: forget what was fetched through it. */
  forget(connectionId: string): void;
}

/**
 * Live metadata, fetched once per connection and entity for this window (the
 * backend caches too); `refresh` asks the system again. Concurrent asks for
 * the same schema share one call.
 */
export function createSchemasStore(api: ApiClient) {
  const inflight = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, run: () => Promise<T>): Promise<T> => {
    const existing = inflight.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const pending = run().finally(() => inflight.delete(key));
    inflight.set(key, pending);
    return pending;
  };

  return createStore<SchemasState>()((set, get) => ({
    entities: {},
    schemas: {},
    drift: {},

    loadEntities(connectionId, options = {}) {
      const current = get().entities[connectionId];
      if (current?.state === 'ready' && !options.force) return Promise.resolve(current.value);
      return once(`entities:${connectionId}`, async () => {
        set((state) => ({ entities: { ...state.entities, [connectionId]: { state: 'loading', value: current?.value } } }));
        const result = await api.invoke('schemas.entities', { connectionId });
        const next: Loadable<EntityInfo[]> = result.ok ? { state: 'ready', value: result.value } : { state: 'error', error: result.error, value: current?.value };
        set((state) => ({ entities: { ...state.entities, [connectionId]: next } }));
        return result.ok ? result.value : undefined;
      });
    },

    loadSchema(connectionId, entity, options = {}) {
      const key = schemaKey(connectionId, entity);
      const current = get().schemas[key];
      if (current?.state === 'ready' && !options.refresh) return Promise.resolve(current.value);
      return once(`schema:${key}:${options.refresh ? 'refresh' : 'cached'}`, async () => {
        set((state) => ({ schemas: { ...state.schemas, [key]: { state: 'loading', value: current?.value } } }));
        const result = await api.invoke('schemas.get', { connectionId, entity, refresh: options.refresh });
        const next: Loadable<EntitySchema> = result.ok ? { state: 'ready', value: result.value } : { state: 'error', error: result.error, value: current?.value };
        set((state) => ({ schemas: { ...state.schemas, [key]: next } }));
        return result.ok ? result.value : undefined;
      });
    },

    refreshSchema(connectionId, entity) {
      const key = schemaKey(connectionId, entity);
      return once(`schema:${key}:refresh`, async () => {
        const current = get().schemas[key];
        set((state) => ({ schemas: { ...state.schemas, [key]: { state: 'loading', value: current?.value } } }));
        const result = await api.invoke('schemas.refresh', { connectionId, entity });
        if (!result.ok) {
          set((state) => ({ schemas: { ...state.schemas, [key]: { state: 'error', error: result.error, value: current?.value } } }));
          return undefined;
        }
        const { schema, changed, drift } = result.value;
        set((state) => {
          // An unchanged schema leaves an earlier report up: the fields it names are still gone.
          const reports = changed ? withReport(state.drift, key, drift) : state.drift;
          return { schemas: { ...state.schemas, [key]: { state: 'ready', value: schema } }, drift: reports };
        });
        return schema;
      });
    },

    dismissDrift(connectionId, entity) {
      set((state) => ({ drift: withReport(state.drift, schemaKey(connectionId, entity), []) }));
    },

    async addEntity(connectionId, kind, name, options = {}) {
      const result = await api.invoke('schemas.addEntity', { connectionId, kind, name, table: options.table, keys: options.keys });
      if (!result.ok) return { ok: false, error: result.error };
      set((state) => ({ entities: { ...state.entities, [connectionId]: { state: 'ready', value: result.value.entities } } }));
      return { ok: true, id: result.value.entity.id };
    },

    forget(connectionId) {
      set((state) => ({
        entities: Object.fromEntries(Object.entries(state.entities).filter(([id]) => id !== connectionId)),
        schemas: Object.fromEntries(Object.entries(state.schemas).filter(([key]) => !key.startsWith(`${connectionId}\u0000`))),
        drift: Object.fromEntries(Object.entries(state.drift).filter(([key]) => !key.startsWith(`${connectionId}\u0000`))),
      }));
    },
  }));
}

export type SchemasStore = ReturnType<typeof createSchemasStore>;

/** The reports with this key's replaced; an empty one is dropped. */
function withReport(reports: Record<string, SchemaDriftFinding[]>, key: string, findings: SchemaDriftFinding[]): Record<string, SchemaDriftFinding[]> {
  const rest = Object.fromEntries(Object.entries(reports).filter(([other]) => other !== key));
  return findings.length > 0 ? { ...rest, [key]: findings } : rest;
}
