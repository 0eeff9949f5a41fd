import { afterEach, describe, expect, it } from 'vitest';
import type { ReadOptions, ReadPage, SourceRecord } from '../../../electron/backend/connectors/framework/connector';
import { createZendeskConnector } from '../../../electron/backend/connectors/zendesk/zendesk.connector';
import { startZendeskSandbox, type ZendeskSandbox } from '../../../sandbox/zendesk/index';

type Kind = 'organizations' | 'users' | 'tickets';

/**
 * Zendesk entities as sources (issue 16) through the incremental exports: organizations
 * time-based (edge duplicates), users and tickets cursor-based (resume cursor, refused cursor),
 * each changed record once per read while records change mid-read, deletions once.
 */
describe('Zendesk incremental exports against the sandbox', () => {
  let sandbox: ZendeskSandbox | undefined;
  let connector: ReturnType<typeof createZendeskConnector> | undefined;

  afterEach(async () => {
    await connector?.close();
    await sandbox?.close();
    connector = undefined;
    sandbox = undefined;
  });

  async function start() {
    sandbox = await startZendeskSandbox({
      counts: { organizations: 12, users: 12, tickets: 6 },
      // Small export pages so a few records span several; the 10-a-minute limit has its own sandbox check.
      settings: { incrementalPageSize: 3, incrementalPerMinute: null },
    });
    sandbox.control.clock.set(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    const connection = sandbox.connection();
    connector = createZendeskConnector({
      connection: { id: `zendesk-incremental-${Math.random()}`, settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    return { sandbox, connector };
  }

  const ids = (box: ZendeskSandbox, kind: Kind) => box.inspect[kind]().map((record) => Number(record.id));
  /** Zendesk exports only changes older than a minute: let the sandbox clock pass one. */
  const settle = (box: ZendeskSandbox) => box.control.clock.advance(61_000);

  async function readAll(
    zendesk: NonNullable<typeof connector>,
    kind: Kind,
    options: ReadOptions,
    between?: (page: number) => void,
  ) {
    const records: SourceRecord[] = [];
    const pages: ReadPage[] = [];
    for await (const page of zendesk.read(kind, options)) {
      records.push(...page.records);
      pages.push(page);
      between?.(pages.length);
    }
    return { records, pages, keys: records.map((record) => record.key) };
  }

  it('exports organizations changed since the watermark once each, page-edge duplicates and mid-read edits included', async () => {
    const { sandbox: box, connector: zendesk } = await start();
    const all = ids(box, 'organizations');
    box.control.clock.advance(1000);
    const since = new Date(box.control.clock.now()).toISOString();
    // Pairs share a second, so pages of three end inside a second and the next page repeats it.
    for (let index = 0; index < 8; index += 2) {
      box.control.touch('organizations', all.slice(index, index + 2));
      box.control.clock.advance(1000);
    }
    settle(box);
    const { keys, pages } = await readAll(zendesk, 'organizations', { since }, (page) => {
      if (page === 1) {
        // An organization already read is edited and becomes exportable before the read ends.
        box.control.touch('organizations', [all[0]!]);
        settle(box);
      }
    });
    expect(keys.length).toBe(new Set(keys).size);
    expect([...keys].sort()).toEqual(all.slice(0, 8).map(String).sort());
    const cursor = pages.at(-1)!.cursor!;
    expect(cursor).toMatch(/^t:\d+$/);

    // The next run resumes at the export's own end_time (not a watermark taken at the run's start).
    box.control.touch('organizations', all.slice(9, 11));
    settle(box);
    const next = await readAll(zendesk, 'organizations', { since, cursor });
    expect(next.keys).toEqual(expect.arrayContaining(all.slice(9, 11).map(String)));
    expect(next.keys).not.toContain(String(all[2]));
  });

  it('exports users by cursor once each while users change mid-read, resumes at the saved cursor, and falls back from a refused one', async () => {
    const { sandbox: box, connector: zendesk } = await start();
    const all = ids(box, 'users');
    box.control.clock.advance(1000);
    const since = new Date(box.control.clock.now()).toISOString();
    for (const id of all.slice(0, 7)) {
      box.control.touch('users', [id]);
      box.control.clock.advance(1000);
    }
    settle(box);
    const first = await readAll(zendesk, 'users', { since }, (page) => {
      if (page === 1) {
        // One user already read and one not yet read are edited: both move to the stream's end.
        box.control.touch('users', [all[0]!, all[5]!]);
        settle(box);
      }
    });
    expect(first.keys.length).toBe(new Set(first.keys).size);
    expect([...first.keys].sort()).toEqual(all.slice(0, 7).map(String).sort());
    const cursor = first.pages.at(-1)!.cursor!;
    expect(cursor).toMatch(/^c:/);

    box.control.touch('users', all.slice(8, 10));
    settle(box);
    const resumed = await readAll(zendesk, 'users', { since, cursor });
    expect([...resumed.keys].sort()).toEqual(all.slice(8, 10).map(String).sort());

    const fallback = await readAll(zendesk, 'users', { since, cursor: 'c:not-a-cursor' });
    expect(fallback.pages.flatMap((page) => page.warnings ?? []).join(' ')).toMatch(/refused the saved export cursor/);
    expect([...fallback.keys].sort()).toEqual([...all.slice(0, 7), ...all.slice(8, 10)].map(String).sort());
  });

  it('reports deleted organizations, users and tickets once when asked, and leaves them out otherwise', async () => {
    const { sandbox: box, connector: zendesk } = await start();
    box.control.clock.advance(1000);
    const since = new Date(box.control.clock.now()).toISOString();
    const gone: Record<Kind, number> = {
      organizations: ids(box, 'organizations')[1]!,
      users: ids(box, 'users')[1]!,
      tickets: ids(box, 'tickets')[1]!,
    };
    for (const kind of Object.keys(gone) as Kind[]) box.control.remove(kind, [gone[kind]]);
    box.control.touch('tickets', [ids(box, 'tickets')[2]!]);
    settle(box);
    for (const kind of Object.keys(gone) as Kind[]) {
      const asked = await readAll(zendesk, kind, { since, deletions: true });
      expect(asked.records.filter((record) => record.deleted).map((record) => record.key)).toEqual([
        String(gone[kind]),
      ]);
      const quiet = await readAll(zendesk, kind, { since });
      expect(quiet.keys).not.toContain(String(gone[kind]));
    }
  });

  it('reads nothing yet, with a warning, when the watermark is within Zendesk’s last minute', async () => {
    const { sandbox: box, connector: zendesk } = await start();
    const since = new Date(box.control.clock.now() - 10_000).toISOString();
    for (const kind of ['organizations', 'users'] as const) {
      const { records, pages } = await readAll(zendesk, kind, { since });
      expect(records).toEqual([]);
      expect(pages[0]!.warnings?.join(' ')).toMatch(/older than a minute/);
    }
  });

  it('tells each looked-up record’s updated_at as its stamp, and describes the deletion markers reads return', async () => {
    const { sandbox: box, connector: zendesk } = await start();
    const organization = box.inspect.organizations()[0]!;
    const hits = await zendesk.lookup!('organizations', 'id', [String(organization.id)]);
    expect(hits.get(String(organization.id))?.stamp).toBe(new Date(String(organization.updated_at)).toISOString());
    const names = async (kind: Kind) => (await zendesk.schema(kind)).fields.map((candidate) => candidate.name);
    expect(await names('organizations')).toEqual(expect.arrayContaining(['id', 'updated_at', 'deleted_at']));
    expect(await names('users')).toEqual(expect.arrayContaining(['id', 'updated_at', 'active']));
  });

  it('refuses an export start_time within the last minute and past ten requests a minute, as Zendesk', async () => {
    const { sandbox: box } = await start();
    box.control.configure({ incrementalPerMinute: 10 });
    const connection = box.connection();
    const auth = `Basic ${Buffer.from(`${connection.secrets.email}/token:${connection.secrets.api_token}`).toString('base64')}`;
    const get = (startTime: number) =>
      fetch(`${box.url}/api/v2/incremental/organizations.json?start_time=${startTime}`, {
        headers: { authorization: auth },
      });
    const now = Math.floor(box.control.clock.now() / 1000);
    const recent = await get(now - 30);
    expect(recent.status).toBe(422);
    expect(await recent.json()).toEqual({
      error: 'InvalidValue',
      description: 'Too recent start_time. Use a start_time older than 1 minute',
    });
    for (let call = 2; call <= 10; call += 1) expect((await get(now - 3600)).status).toBe(200);
    const limited = await get(now - 3600);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
