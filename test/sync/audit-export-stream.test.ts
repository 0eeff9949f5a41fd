import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowId, RunId } from '../../shared/domain/flow';
import type { RecordAudit } from '../../shared/domain/run';
import {
  auditCsv,
  auditJsonLines,
  writeAuditExport,
  type AuditExportProgress,
  type AuditPages,
} from '../../electron/backend/sync/audit-export';
import type { AuditInput } from '../../electron/backend/sync/audit.repository';
import { openSqliteStore } from '../../electron/backend/store/sqlite-store';
import type { Store } from '../../electron/backend/store/store';
import { storeFile } from '../support/backend';

const runA = 'run-a' as RunId;
const runB = 'run-b' as RunId;
const flowId = 'flow-1' as FlowId;

/** Rows whose text needs CSV quoting: commas, quotes, line breaks, nulls. */
function rows(from: number, count: number): AuditInput[] {
  return Array.from({ length: count }, (_, index) => {
    const n = from + index;
    return {
      sourceKey: `K${n}`,
      sourceStamp: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`,
      sourcePayload: { CUNO: `K${n}`, NAME: `Name "${n}", line\nbreak` },
      sourceRaw: null,
      transformedPayload: n % 7 === 0 ? null : { Account_Name: `Name ${n}` },
      targetKey: n % 7 === 0 ? null : `T${n}`,
      outcome: n % 7 === 0 ? 'failed' : 'created',
      errorCode: n % 7 === 0 ? 'E_REMOTE' : null,
      errorMessage: n % 7 === 0 ? 'refused, "really"' : null,
      attempt: 1,
      mappingHash: 'h1',
      diff: null,
    };
  });
}

/** The real repository, watched: how many rows each page handed out. */
function watched(store: Store, pageSizes: number[]): AuditPages {
  return {
    auditSpan: (query) => store.audit.auditSpan(query),
    auditPage: (query, page) => {
      const items = store.audit.auditPage(query, page);
      pageSizes.push(items.length);
      return items;
    },
  };
}

describe('audit export in a stream', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-export-'));
    store = openSqliteStore({ file: path.join(dir, 'mlc.sqlite') });
    // Two runs interleaved, as concurrent flows write them.
    for (let page = 0; page < 5; page += 1) {
      store.audit.record(runA, flowId, rows(page * 500, 500), '2026-01-01T00:00:00.000Z');
      store.audit.record(runB, flowId, rows(100_000 + page * 10, 10), '2026-01-01T00:00:00.000Z');
    }
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The old export: every row in memory, one string. */
  const inMemory = (format: 'csv' | 'jsonl') => {
    const all: RecordAudit[] = store.audit.audits({ runId: runA, limit: 1_000_000 }).items;
    return [...(format === 'csv' ? auditCsv(all) : auditJsonLines(all))].join('');
  };

  for (const format of ['csv', 'jsonl'] as const) {
    it(`writes ${format} to a file, page by page, with the same text as the in-memory export`, async () => {
      const file = path.join(dir, 'exports', `run-a.${format}`);
      const pageSizes: number[] = [];
      const progress: AuditExportProgress[] = [];
      const onDisk: number[] = [];
      const result = await writeAuditExport(
        watched(store, pageSizes),
        runA,
        format,
        file,
        (event) => {
          progress.push(event);
          // Each page is on disk before the next is read: the part file holds exactly what was reported.
          const part = fs.readdirSync(path.dirname(file)).find((name) => name.endsWith('.part'))!;
          onDisk.push(fs.statSync(path.join(path.dirname(file), part)).size);
        },
        1000,
      );
      expect(fs.readFileSync(file, 'utf8')).toBe(inMemory(format));
      expect(result).toEqual({ rows: 2500, total: 2500, bytes: fs.statSync(file).size });
      // Never more than a page of rows at a time.
      expect(pageSizes).toEqual([1000, 1000, 500]);
      expect(progress.map((event) => event.rows)).toEqual([1000, 2000, 2500]);
      expect(onDisk).toEqual(progress.map((event) => event.bytes));
      expect(fs.readdirSync(path.dirname(file))).toEqual([`run-a.${format}`]);
    });
  }

  it('writes the CSV header for a run without rows', async () => {
    const file = path.join(dir, 'empty.csv');
    await writeAuditExport(store.audit, 'no-such-run', 'csv', file);
    expect(fs.readFileSync(file, 'utf8')).toBe([...auditCsv([])].join(''));
  });

  it('keyset pages neither repeat nor skip rows while rows are appended and pruned', () => {
    const before = store.audit.audits({ runId: runA, limit: 1_000_000 }).items.map((row) => row.id);
    const seen: number[] = [];
    for (const row of store.audit.iterateAudits({ runId: runA })) {
      seen.push(row.id);
      if (seen.length === 1000) {
        // Between pages: another page of the run lands, and retention deletes rows already read.
        store.audit.record(runA, flowId, rows(50_000, 700), '2026-01-01T00:00:00.000Z');
        const file = storeFile(dir);
        file
          .prepare('DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE run_id = ? ORDER BY id LIMIT 300)')
          .run(runA);
        file.close();
      }
    }
    // The rows there when the walk began, each once, in order: none skipped by the deletes, none appended.
    expect(seen).toEqual(before);
  });

  it('exports the rows present when it started while a run keeps writing', async () => {
    const expected = inMemory('jsonl');
    const file = path.join(dir, 'live.jsonl');
    let next = 60_000;
    await writeAuditExport(
      store.audit,
      runA,
      'jsonl',
      file,
      () => {
        store.audit.record(runA, flowId, rows(next, 400), '2026-01-01T00:00:00.000Z');
        next += 400;
      },
      1000,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(expected);
  });
});
