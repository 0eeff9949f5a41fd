import { describe, expect, it } from 'vitest';
import type { ConnectionId } from '../../../shared/domain/connection';
import {
  draftKey,
  isNewerThanSaved,
  readDraft,
  removeDraft,
  writeDraft,
} from '../../../renderer/src/features/mapper/mapper-draft';
import { graphForSchemas } from '../../../renderer/src/features/mapper/model/graph-edits';
import { createMapperStore, hasUnsavedChanges, undo } from '../../../renderer/src/features/mapper/store/mapper.store';
import { m3Customers, zohoAccounts } from '../../mapping/schemas';

/** The Web Storage interface over a Map (Node has no localStorage); the draft code is what is under test. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const sides = {
  source: { connectionId: 'c-infor' as ConnectionId, entity: 'customers', schema: m3Customers },
  target: { connectionId: 'c-zoho' as ConnectionId, entity: 'Accounts', schema: zohoAccounts },
};

function openSaved() {
  return createMapperStore(graphForSchemas(m3Customers, zohoAccounts), {
    mappingId: 'm-1',
    name: 'Customers',
    savedVersion: '2026-01-01T10:00:00.000Z',
    saved: true,
    ...sides,
  });
}

describe('mapping drafts', () => {
  it('are keyed by mapping id, or by the two connections and entities of a new mapping', () => {
    expect(draftKey({ mappingId: 'm-1', ...sides })).toBe('mlc.mapper.draft:m-1');
    expect(draftKey(sides)).toBe('mlc.mapper.draft:new:c-infor/customers>c-zoho/Accounts');
    expect(draftKey({})).toBeUndefined();
  });

  it('round-trip graph, name, base version and time; unreadable ones are dropped', () => {
    const storage = new MemoryStorage();
    const store = openSaved();
    store
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'CUNM', target: 'target', targetHandle: 'Account_Name' });
    const { graph } = store.getState();
    expect(writeDraft(storage, 'k', { base: '2026-01-01T10:00:00.000Z', name: 'Customers (edited)', graph })).toBe(
      true,
    );
    const draft = readDraft(storage, 'k');
    expect(draft).toMatchObject({ version: 1, base: '2026-01-01T10:00:00.000Z', name: 'Customers (edited)' });
    expect(draft!.graph.edges.map((edge) => edge.targetHandle)).toEqual(['Account_Name']);
    expect(Date.parse(draft!.savedAt)).not.toBeNaN();

    storage.setItem('broken', '{"version":1,"graph":');
    expect(readDraft(storage, 'broken')).toBeUndefined();
    expect(storage.getItem('broken')).toBeNull();
    removeDraft(storage, 'k');
    expect(readDraft(storage, 'k')).toBeUndefined();
  });

  it('tells a full or disabled storage apart from success', () => {
    const full = new MemoryStorage();
    full.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    expect(writeDraft(full, 'k', { base: null, name: 'x', graph: openSaved().getState().graph })).toBe(false);
  });

  it('are offered only when written after the saved version', () => {
    const draft = {
      version: 1 as const,
      savedAt: '2026-01-02T09:00:00.000Z',
      base: null,
      name: 'x',
      graph: openSaved().getState().graph,
    };
    expect(isNewerThanSaved(draft, undefined)).toBe(true);
    expect(isNewerThanSaved(draft, '2026-01-01T10:00:00.000Z')).toBe(true);
    expect(isNewerThanSaved(draft, '2026-01-03T10:00:00.000Z')).toBe(false);
  });
});

describe('unsaved changes of an open mapping', () => {
  it('follow graph and name edits, undo back to the saved version, and a save', () => {
    const store = openSaved();
    expect(hasUnsavedChanges(store.getState())).toBe(false);
    store
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'CUNM', target: 'target', targetHandle: 'Account_Name' });
    expect(hasUnsavedChanges(store.getState())).toBe(true);
    undo(store);
    expect(hasUnsavedChanges(store.getState())).toBe(false);
    store.getState().setName('Customers v2');
    expect(hasUnsavedChanges(store.getState())).toBe(true);
    store.getState().markSaved('m-1', 'Customers v2', '2026-01-05T10:00:00.000Z');
    expect(hasUnsavedChanges(store.getState())).toBe(false);
    expect(store.getState().savedVersion).toBe('2026-01-05T10:00:00.000Z');
  });

  it('a restored draft is one undoable step back to the saved version', () => {
    const store = openSaved();
    const saved = store.getState().graph;
    const other = openSaved();
    other
      .getState()
      .connectPorts({ source: 'source', sourceHandle: 'CUNM', target: 'target', targetHandle: 'Account_Name' });
    store.getState().restoreDraft(other.getState().graph, 'Customers (draft)');
    expect(store.getState().graph.edges).toHaveLength(1);
    expect(store.getState().name).toBe('Customers (draft)');
    expect(hasUnsavedChanges(store.getState())).toBe(true);
    undo(store);
    expect(store.getState().graph).toBe(saved);
  });
});
