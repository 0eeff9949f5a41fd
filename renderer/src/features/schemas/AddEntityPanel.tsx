import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import type { ConnectionId } from '../../../../shared/domain/connection';
import type { ErrorInfo } from '../../../../shared/errors';
import { api } from '../../api/client';
import { schemasStore } from './schemas.instance';

type CatalogEntry = MethodOutput<'schemas.catalog'>['entries'][number];

/** What each Infor product line can offer, in the words an analyst knows. */
export const catalogKinds: Record<string, Array<{ kind: string; label: string }>> = {
  m3: [
    { kind: 'm3-table', label: 'Table (type its name, e.g. OCUSMA)' },
    { kind: 'm3-list', label: 'MI list transaction' },
  ],
  csi: [{ kind: 'csi-ido', label: 'IDO' }],
  ln: [{ kind: 'ln-set', label: 'Entity set (service/set)' }],
  fsm: [{ kind: 'fsm-class', label: 'Business class' }],
};

/** The one thing a kind needs that the system does not say, as the row's input placeholder. */
const extraInput: Record<string, string> = { 'm3-list': 'Table it lists', 'fsm-class': 'Key fields' };

/** What no list shows and must be typed in full. */
const fullNameHint: Record<string, string> = {
  m3: 'M3 tables are found by their full name (OCUSMA).',
  ln: 'Type a service name (tdapi.slsSalesOrder) to list its entity sets.',
  fsm: 'A tenant that lists no classes finds a class by its full name (GeneralLedgerTotal).',
};

/** Each keystroke would cost the tenant a metadata call: search once typing pauses. */
const debounceMs = 300;
const rowHeight = 44;

/**
 * "Add entity…" for an Infor connection: search what the tenant exposes (M3 tables and MI lists,
 * CSI IDOs, LN entity sets, FSM classes), pick one, and it becomes an entity of the connection
 * (stored in its entity sources) whose schema opens at once.
 */
export function AddEntityPanel({
  connectionId,
  productLine,
  onAdded,
  onClose,
}: {
  connectionId: ConnectionId;
  productLine: string;
  onAdded(entity: string): void;
  onClose(): void;
}) {
  const kinds = catalogKinds[productLine] ?? catalogKinds.m3!;
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState('');
  const [answer, setAnswer] = useState<{ entries: CatalogEntry[]; complete: boolean }>();
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState<'search' | string>();
  /**
   * What the system does not say, as typed per entry: the table an M3 list transaction lists, the
   * key fields of an FSM class (comma-separated).
   */
  const [extras, setExtras] = useState<Record<string, string>>({});

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      setBusy('search');
      void api.invoke('schemas.catalog', { connectionId, search: search.trim(), kind: kind || undefined }).then((result) => {
        if (!current) return;
        setBusy(undefined);
        if (result.ok) {
          setAnswer(result.value);
          setError(undefined);
        } else {
          setAnswer(undefined);
          setError(result.error);
        }
      });
    }, debounceMs);
    // A newer search replaces this one, whether it already left or not.
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [connectionId, search, kind]);

  const add = async (entry: CatalogEntry) => {
    setBusy(entry.id);
    const extra = extras[entry.id]?.trim() || undefined;
    const keys = extra
      ?.split(',')
      .map((key) => key.trim())
      .filter(Boolean);
    const result = await schemasStore
      .getState()
      .addEntity(connectionId, entry.kind, entry.name, entry.kind === 'm3-list' ? { table: extra } : entry.kind === 'fsm-class' && keys?.length ? { keys } : {});
    setBusy(undefined);
    if (result.ok) onAdded(result.id);
    else setError(result.error);
  };

  const entries = answer?.entries ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: (index) => entries[index]!.id,
  });

  return (
    <div className="add-entity panel" data-testid="add-entity" role="dialog" aria-label="Add an entity">
      <header className="add-entity-head">
        <strong>Add an entity</strong>
        <button type="button" className="link-button" onClick={onClose} data-testid="add-entity-close">
          Close
        </button>
      </header>
      <div className="add-entity-pickers">
        <label className="form-field">
          <span>Search</span>
          <input
            className="input"
            type="search"
            autoFocus
            placeholder="Name or description, e.g. OCUSMA, CRS610MI, Items"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            data-testid="add-entity-search"
          />
        </label>
        <label className="form-field">
          <span>Kind</span>
          <select className="select" value={kind} onChange={(event) => setKind(event.target.value)} data-testid="add-entity-kind">
            <option value="">All kinds</option>
            {kinds.map((option) => (
              <option key={option.kind} value={option.kind}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p className="inline-error" role="alert" data-testid="add-entity-error">
          {error.message}
        </p>
      )}
      <p className="muted add-entity-status" data-testid="add-entity-status">
        {busy === 'search'
          ? 'Searching the tenant…'
          : !answer
            ? ''
            : entries.length === 0
              ? `Nothing matches. ${fullNameHint[productLine] ?? ''}`
              : `${entries.length} ${entries.length === 1 ? 'object' : 'objects'}${answer.complete ? '' : ' shown — more match: refine your search'}`}
      </p>
      <div className="add-entity-results" ref={scroller} role="list" data-testid="add-entity-results">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const entry = entries[item.index]!;
            return (
              <div
                key={item.key}
                role="listitem"
                className="add-entity-row"
                style={{ transform: `translateY(${item.start}px)`, height: rowHeight }}
                data-testid="add-entity-entry"
                data-id={entry.id}
              >
                <span className="add-entity-name">
                  <code>{entry.name}</code>
                  <span className="muted">
                    {entry.label !== entry.name ? entry.label : ''} {entry.description ? `· ${entry.description}` : ''}
                  </span>
                </span>
                <span className="tag">{entry.kind}</span>
                {extraInput[entry.kind] && (
                  <input
                    className="input add-entity-extra"
                    aria-label={`${extraInput[entry.kind]} of ${entry.name}`}
                    placeholder={extraInput[entry.kind]}
                    value={extras[entry.id] ?? ''}
                    onChange={(event) => {
                      const value = entry.kind === 'm3-list' ? event.target.value.toUpperCase() : event.target.value;
                      setExtras((current) => ({ ...current, [entry.id]: value }));
                    }}
                    data-testid="add-entity-extra"
                  />
                )}
                <button
                  type="button"
                  className="button small"
                  disabled={busy !== undefined}
                  onClick={() => void add(entry)}
                  data-testid="add-entity-add"
                >
                  {busy === entry.id ? 'Adding…' : 'Add'}
                </button>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
