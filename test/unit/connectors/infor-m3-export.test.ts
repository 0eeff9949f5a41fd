import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkColumns,
  compareTuples,
  displayWidth,
  keyWindows,
  splitLine,
  windowWhere,
  type ExportColumn,
} from '../../../electron/backend/connectors/infor/m3-export';
import { detectM3StampForm, parseM3Stamp, toM3Stamp } from '../../../electron/backend/connectors/infor/infor-formats';
import { AppError } from '../../../shared/errors';
import { matches, parseExportQuery, type M3Where } from '../../../sandbox/infor/m3/m3-query';
import { m3Tables, type M3Table } from '../../../sandbox/infor/m3/m3-tables';
import { readJsonFixture } from '../../support/paths';

/**
 * The pieces that keep M3 EXPORTMI reads exact: key windows that never skip or repeat a row
 * whatever order the server answers in, column chunks that fit the 984-character REPL, the
 * value-count check on every line, and LMTS form detection.
 */
const keyColumns: ExportColumn[] = [
  { name: 'XXDIVI', type: 'A', length: 3, decimals: 0 },
  { name: 'XXYEA4', type: 'N', length: 4, decimals: 0 },
  { name: 'XXJRNO', type: 'N', length: 7, decimals: 0 },
];
/** A sandbox table over the same columns, so window conditions are evaluated by the simulator's M3 query parser. */
const table: M3Table = {
  name: 'XTABLE',
  prefix: 'XX',
  description: 'test',
  entity: 'invoices',
  keyColumns: ['DIVI', 'YEA4', 'JRNO'],
  columns: keyColumns.map((column) => ({ ...column, name: column.name.slice(2), description: column.name })),
  rows: () => [],
};

function evaluate(row: Record<string, string>, where: M3Where): boolean {
  if ('column' in where) return matches(table, row, where);
  if ('and' in where) return where.and.every((part) => evaluate(row, part));
  return where.or.some((part) => evaluate(row, part));
}

describe('M3 key windows', () => {
  it('return every row exactly once for any physical order, duplicate key prefixes and page size (fast-check)', async () => {
    const rowArbitrary = fc.record({
      DIVI: fc.constantFrom('', 'AAA', 'AB', "O'K"),
      YEA4: fc.integer({ min: 2019, max: 2026 }).map(String),
      JRNO: fc.integer({ min: 1, max: 40 }).map(String),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(rowArbitrary, { selector: (row) => `${row.DIVI}/${row.YEA4}/${row.JRNO}`, maxLength: 120 }),
        fc.integer({ min: 2, max: 25 }),
        fc.integer(),
        async (rows, max, shuffleSeed) => {
          // The server's physical order: a seeded shuffle, different on every call.
          let state = shuffleSeed >>> 0;
          const shuffled = () =>
            rows
              .map((row) => ({ row, order: (state = (state * 1_103_515_245 + 12_345) >>> 0) }))
              .sort((a, b) => a.order - b.order)
              .map((entry) => entry.row);
          const read = async (lo?: string[], hi?: string[], size = max) => {
            const where = windowWhere(keyColumns, lo, hi);
            const parsed = parseExportQuery(
              `XXDIVI from XTABLE${where ? ` where ${where}` : ''}`,
              { XTABLE: table },
              'ignored',
            );
            if ('error' in parsed) throw new Error(`${parsed.error}: ${where}`);
            return shuffled()
              .filter((row) => !parsed.where || evaluate(row, parsed.where))
              .slice(0, size);
          };
          const seen: string[] = [];
          for await (const window of keyWindows(
            read,
            (row) => [row.DIVI, row.YEA4, row.JRNO],
            (left, right) => compareTuples(keyColumns, left, right),
            max,
          )) {
            expect(window.rows.length).toBeLessThan(max);
            seen.push(...window.rows.map((row) => `${row.DIVI}/${row.YEA4}/${row.JRNO}`));
          }
          expect(seen.sort()).toEqual(rows.map((row) => `${row.DIVI}/${row.YEA4}/${row.JRNO}`).sort());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuse a key that is not unique instead of skipping rows', async () => {
    const rows = Array.from({ length: 5 }, () => ({ CINO: '1000001' }));
    const windows = keyWindows(
      async (_lo, _hi, size) => rows.slice(0, size),
      (row) => [row.CINO],
      (left, right) => compareTuples([{ name: 'ESCINO', type: 'A', length: 15, decimals: 0 }], left, right),
      3,
    );
    await expect(windows.next()).rejects.toMatchObject({ code: 'E_INFOR_M3_NONUNIQUE_KEY' });
  });
});

describe('M3 column chunks', () => {
  it('cut OCUSMA (150+ columns) into lines that fit 984 characters, keys first, every column once', () => {
    const columns: ExportColumn[] = m3Tables.OCUSMA!.columns.map((column) => ({
      name: `OK${column.name}`,
      type: column.type,
      length: column.length,
      decimals: column.decimals ?? 0,
    }));
    expect(columns.length).toBeGreaterThanOrEqual(150);
    const whole = columns.reduce((sum, column) => sum + displayWidth(column) + 1, -1);
    expect(whole).toBeGreaterThan(984);
    const chunks = chunkColumns(columns, ['OKCUNO']);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk[0]?.name).toBe('OKCUNO');
      expect(chunk.reduce((sum, column) => sum + displayWidth(column) + 1, -1)).toBeLessThanOrEqual(984);
      expect(chunk.map((column) => column.name).join(',').length).toBeLessThanOrEqual(1000);
    }
    const covered = chunks.flatMap((chunk) => chunk.slice(1).map((column) => column.name));
    expect(covered.sort()).toEqual(
      columns
        .map((column) => column.name)
        .filter((name) => name !== 'OKCUNO')
        .sort(),
    );
  });

  it('a line that holds the separator inside a value does not split into the columns asked for', () => {
    const body = readJsonFixture<{ results: Array<{ records: Array<Record<string, string>> }> }>(
      'infor',
      'm3_v2_CRS949MI_LstPartnerMedia_response_redacted.json',
    );
    const record = body.results[0]!.records[0]!;
    const columns = ['PRF1', 'TOMA', 'FRMA'];
    // EXPORTMI joins values with SEPC and quotes nothing.
    const semicolons = columns.map((name) => record[name]).join(';');
    expect(splitLine(semicolons, ';', columns.length)).toBeUndefined();
    const tildes = columns.map((name) => record[name]).join('~');
    expect(splitLine(tildes, '~', columns.length)).toEqual([
      '123456',
      'user1@example.com; user2@example.com',
      'm3@example.com',
    ]);
  });

  it('refuses keys that cannot fit one line', () => {
    expect(() => chunkColumns([{ name: 'XXLONG', type: 'A', length: 990, decimals: 0 }], ['XXLONG'])).toThrow(AppError);
  });
});

describe('M3 LMTS form', () => {
  const at = Date.UTC(2025, 4, 6, 7, 8, 9, 123);
  it.each([
    ['13-digit epoch ms', String(at), 'epochMillis'],
    ['epoch ms zero-padded to N18', String(at).padStart(18, '0'), 'epochMillis'],
    ['yyyyMMddHHmmssSSS', '20250506070809123', 'ymdHmsMs17'],
    ['yyyyMMddHHmmss', '20250506070809', 'ymdHms14'],
    ['garbage', '912345678901234567', undefined],
    ['a stamp that disagrees with LMDT', String(Date.UTC(2020, 0, 1)), undefined],
  ])('%s', (_name, stamp, form) => {
    expect(detectM3StampForm([{ stamp, date: '20250506' }])).toBe(form);
  });

  it('writes and reads each form back', () => {
    const iso = new Date(at).toISOString();
    expect(parseM3Stamp(toM3Stamp(iso, 'epochMillis'), 'epochMillis')).toBe(iso);
    expect(parseM3Stamp(toM3Stamp(iso, 'ymdHmsMs17'), 'ymdHmsMs17')).toBe(iso);
    expect(parseM3Stamp(toM3Stamp(iso, 'ymdHms14'), 'ymdHms14')).toBe('2025-05-06T07:08:09.000Z');
    expect(parseM3Stamp('0', 'epochMillis')).toBeUndefined();
  });
});
