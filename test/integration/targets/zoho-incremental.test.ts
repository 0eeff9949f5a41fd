import { afterEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../electron/backend/connectors/framework/connector';
import { createZohoConnector, type ZohoConnector } from '../../../electron/backend/connectors/zoho/zoho.connector';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/index';

/**
 * Zoho modules as sources (issue 16): every record modified at or after `since` exactly once per
 * read, while records change mid-read, with ties at Zoho's whole seconds, and deletions once.
 */
describe('Zoho incremental reads against the sandbox', () => {
  let sandbox: ZohoSandbox | undefined;
  let connector: ZohoConnector | undefined;

  afterEach(async () => {
    await connector?.close();
    await sandbox?.close();
    connector = undefined;
    sandbox = undefined;
  });

  async function start(options: Parameters<typeof startZohoSandbox>[0] = {}) {
    sandbox = await startZohoSandbox({ seedAccounts: 30, issuanceCap: 100, ...options });
    // Stamps after the seed's second, deterministic from here on.
    sandbox.control.clock.set(Math.floor(Date.now() / 1000) * 1000 + 60_000);
    const connection = sandbox.connection();
    connector = createZohoConnector({
      connection: { id: `zoho-incremental-${Math.random()}`, settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      now: () => sandbox!.control.clock.now(),
    });
    return { sandbox, connector };
  }

  const ids = (box: ZohoSandbox) => box.inspect.records('Accounts').map((record) => String(record.id));

  /** Edits `list` one second apart (Zoho stamps have whole seconds); returns the first edit's instant. */
  function editApart(box: ZohoSandbox, list: string[]): string {
    box.control.clock.advance(1000);
    const first = new Date(box.control.clock.now()).toISOString();
    for (const id of list) {
      box.control.modify('Accounts', [id], {});
      box.control.clock.advance(1000);
    }
    return first;
  }

  it('hands every changed record once while records change between pages', async () => {
    const { sandbox: box, connector: zoho } = await start();
    const changed = ids(box).slice(0, 12);
    const since = editApart(box, changed);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of zoho.read('Accounts', { since, pageSize: 5 })) {
      seen.push(...page.records.map((record) => record.key));
      pages += 1;
      if (pages === 1) {
        // A user edits a record already read: it jumps to the end of the Modified_Time order and
        // every unread record moves back one place (an offset walk would skip one, repeat this one).
        box.control.modify('Accounts', [seen[0]!], {});
        box.control.clock.advance(1000);
      }
    }
    expect(seen.length).toBe(new Set(seen).size);
    expect([...seen].sort()).toEqual([...changed].sort());
  });

  for (const semantics of ['at-or-after', 'after'] as const) {
    it(`keeps ties at the boundary second and across pages (If-Modified-Since ${semantics})`, async () => {
      const { sandbox: box, connector: zoho } = await start({ ifModifiedSince: semantics });
      const all = ids(box);
      box.control.clock.advance(1000);
      const since = new Date(box.control.clock.now() + 400).toISOString();
      // 3 records in the watermark's second (after its fraction: Zoho cannot tell), 7 in the next, 2 after.
      box.control.modify('Accounts', all.slice(0, 3), {});
      box.control.clock.advance(1000);
      box.control.modify('Accounts', all.slice(3, 10), {});
      box.control.clock.advance(1000);
      box.control.modify('Accounts', all.slice(10, 12), {});
      const seen: SourceRecord[] = [];
      for await (const page of zoho.read('Accounts', { since, pageSize: 5 })) seen.push(...page.records);
      const keys = seen.map((record) => record.key);
      expect(keys.length).toBe(new Set(keys).size);
      expect([...keys].sort()).toEqual(all.slice(0, 12).sort());
      expect(seen.every((record) => record.stamp.endsWith('Z') && !record.deleted)).toBe(true);
    });
  }

  it('reports records deleted since the watermark once, only when asked, and nothing (304) when nothing changed', async () => {
    const { sandbox: box, connector: zoho } = await start();
    const all = ids(box);
    box.control.clock.advance(1000);
    box.control.remove('Accounts', all.slice(0, 2));
    box.control.clock.advance(1000);
    const since = new Date(box.control.clock.now()).toISOString();
    box.control.modify('Accounts', [all[5]!], {});
    box.control.remove('Accounts', all.slice(2, 4));
    const read = async (deletions: boolean) => {
      const records: SourceRecord[] = [];
      for await (const page of zoho.read('Accounts', { since, deletions, pageSize: 5 })) records.push(...page.records);
      return records;
    };
    const withDeletions = await read(true);
    expect(withDeletions.filter((record) => !record.deleted).map((record) => record.key)).toEqual([all[5]]);
    const deleted = withDeletions.filter((record) => record.deleted);
    expect(deleted.map((record) => record.key).sort()).toEqual(all.slice(2, 4).sort());
    expect(deleted.every((record) => record.stamp === since && record.data.id === record.key)).toBe(true);
    expect((await read(false)).some((record) => record.deleted)).toBe(false);

    box.control.clock.advance(5000);
    const later = new Date(box.control.clock.now()).toISOString();
    const quiet: SourceRecord[] = [];
    for await (const page of zoho.read('Accounts', { since: later, deletions: true })) quiet.push(...page.records);
    expect(quiet).toEqual([]);
  });

  it('tells each looked-up record’s Modified_Time as its stamp', async () => {
    const { sandbox: box, connector: zoho } = await start();
    const record = box.inspect.records('Accounts')[0]!;
    const hits = await zoho.lookup('Accounts', 'Account_Name', [String(record.Account_Name)], {
      fields: ['Account_Name'],
    });
    const hit = hits.get(String(record.Account_Name));
    expect(hit?.stamp).toBe(new Date(String(record.Modified_Time)).toISOString());
  });
});
