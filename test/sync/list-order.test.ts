import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared/api/client';
import type { FlowListItem } from '../../shared/api/sync.contract';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { openDatabase } from '../../electron/backend/store/database';
import { migrations } from '../../electron/backend/store/migrations/index';
import { testBackend } from '../support/backend';
import { tempDir } from '../support/paths';

/**
 * Lists come back in a total, documented order. Rows made in one millisecond
 * used to tie on their timestamp and fall back to random UUID order; the clock
 * is frozen here so every row shares one timestamp and only the store's
 * creation sequence can keep them apart.
 */
const frozen = new Date('2026-12-01T08:00:00.000Z');
afterEach(() => vi.useRealTimers());

/** A listed flow back as `flows.save` input (the list adds what only the backend knows). */
const asInput = ({
  createdAt: _created,
  updatedAt: _updated,
  scheduleState: _state,
  lastRun: _last,
  ...flow
}: FlowListItem) => flow;

const zohoInput = (name: string) => ({
  system: 'zoho' as const,
  name,
  settings: { dataCentre: 'eu', clientId: '1000.ABC' },
  secrets: { client_secret: 'secret', refresh_token: '1000.refresh' },
});

describe('list order', () => {
  it('lists flows made in the same millisecond in creation order', async () => {
    const { backend, dispose } = testBackend();
    try {
      const api = createClient(inProcessTransport(backend));
      const connection = await api.call('connections.create', zohoInput('Zoho'));
      const mapping = await api.call('mappings.save', {
        name: 'Accounts',
        sourceEntity: 'customers',
        targetEntity: 'Accounts',
        expression: '{ "Account_Name": CUNM }',
      });
      vi.useFakeTimers({ toFake: ['Date'], now: frozen });
      const created: string[] = [];
      // Names count down, so neither name nor id order could pass for creation order.
      for (let index = 40; index > 0; index -= 1) {
        const flow = await api.call('flows.save', {
          name: `Flow ${String(index).padStart(2, '0')}`,
          source: { connectionId: connection.id, entity: 'customers', lookbackSeconds: 0 },
          mappingId: mapping.id,
          target: { connectionId: connection.id, entity: 'Accounts', matchKey: ['Account_Name'] },
        });
        created.push(flow.id);
      }
      const listed = await api.call('flows.list', {});
      expect(new Set(listed.map((flow) => flow.createdAt))).toEqual(new Set([frozen.toISOString()]));
      expect(listed.map((flow) => flow.id)).toEqual(created);

      // Updating or pausing a flow keeps its place.
      await api.call('flows.pause', { id: listed[0]!.id, paused: true });
      await api.call('flows.save', { ...asInput(listed[5]!), name: 'Renamed' });
      expect((await api.call('flows.list', {})).map((flow) => flow.id)).toEqual(created);
      // A removed flow leaves a gap; the next one still comes last.
      await api.call('flows.remove', { id: listed[39]!.id });
      const later = await api.call('flows.save', { ...asInput(listed[1]!), id: undefined, name: 'Later' });
      expect((await api.call('flows.list', {})).map((flow) => flow.id)).toEqual([...created.slice(0, 39), later.id]);
    } finally {
      await dispose();
    }
  });

  it('lists connections made in the same millisecond in creation order', async () => {
    const { backend, dispose } = testBackend();
    try {
      const api = createClient(inProcessTransport(backend));
      vi.useFakeTimers({ toFake: ['Date'], now: frozen });
      const created: string[] = [];
      for (let index = 12; index > 0; index -= 1)
        created.push((await api.call('connections.create', zohoInput(`Zoho ${index}`))).id);
      expect((await api.call('connections.list', {})).map((connection) => connection.id)).toEqual(created);
    } finally {
      await dispose();
    }
  });

  it('lists mappings by name, and mappings of one name in creation order', async () => {
    const { backend, dispose } = testBackend();
    try {
      const api = createClient(inProcessTransport(backend));
      vi.useFakeTimers({ toFake: ['Date'], now: frozen });
      const save = (name: string) =>
        api.call('mappings.save', {
          name,
          sourceEntity: 'customers',
          targetEntity: 'Accounts',
          expression: `{ "Account_Name": "${name}" }`,
        });
      const first = await save('Same');
      const zulu = await save('Zulu');
      const ids = [first.id];
      for (let index = 0; index < 12; index += 1) ids.push((await save('Same')).id);
      const alpha = await save('Alpha');
      expect((await api.call('mappings.list', {})).map((mapping) => mapping.id)).toEqual([alpha.id, ...ids, zulu.id]);
    } finally {
      await dispose();
    }
  });

  it('numbers rows stored before the sequence existed by time, then by insertion', () => {
    const folder = tempDir('mlc-order-');
    try {
      const file = path.join(folder.dir, 'mlc.sqlite');
      const before = migrations.filter((migration) => migration.id !== 'store/001-insertion-order');
      expect(before).toHaveLength(migrations.length - 1);
      const old = openDatabase({ file, migrations: before });
      const insert = old.prepare(
        "INSERT INTO flows (id, name, definition, created_at, updated_at) VALUES (?, ?, '{}', ?, ?)",
      );
      // Inserted out of id order, two sharing a timestamp, one older than all.
      insert.run('f-c', 'c', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
      insert.run('f-a', 'a', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
      insert.run('f-b', 'b', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
      old.close();

      const db = openDatabase({ file });
      try {
        const order = () =>
          (db.prepare('SELECT id, seq FROM flows ORDER BY seq').all() as Array<{ id: string; seq: number }>).map(
            (row) => [row.id, row.seq],
          );
        expect(order()).toEqual([
          ['f-b', 1],
          ['f-c', 2],
          ['f-a', 3],
        ]);
        db.prepare(
          "INSERT INTO flows (id, name, definition, created_at, updated_at) VALUES ('f-0', '0', '{}', '2000-01-01', '2000-01-01')",
        ).run();
        expect(order().at(-1)).toEqual(['f-0', 4]);
        expect((db.prepare('SELECT COUNT(*) AS n FROM flows WHERE seq IS NULL').get() as { n: number }).n).toBe(0);
      } finally {
        db.close();
      }
    } finally {
      folder.remove();
    }
  });
});
