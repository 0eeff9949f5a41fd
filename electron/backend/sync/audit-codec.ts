import zlib from 'node:zlib';

/*
 * How an audit row's payloads are stored (column `payload_encoding`):
 * - 0 (rows written before issue 17): each column is the payload's JSON text.
 * - 1: each column deflated (node:zlib, readable by any zlib) with a preset dictionary: the flow's sample
 *   record (`audit_dictionaries`, so the ~200 field names every M3 customer repeats cost back-references),
 *   followed for the raw and transformed columns by this row's source payload (what they repeat of it).
 *   `source_raw` starts with a form byte: 0 = the raw JSON; 1 = derived: the raw row is the payload's
 *   fields under a prefix (M3's `OKCUNO` for `CUNO`) and only values that differ from the payload's
 *   text are kept, deflated without a dictionary (it is mostly zeros; a dictionary costs ~15 µs a row). An empty `source_raw` means the raw record is the source payload itself.
 * - 2: one deflate per row (three cost a zlib stream each, most of an audit row's CPU): `source_payload`
 *   holds `[source, raw, transformed, fields]` deflated with the flow's dictionary, where raw is `null`
 *   (none), `0` (the source payload itself), `[1, derived]` (as in 1) or `[0, raw]`, and fields is
 *   `null` or the names a narrowed read held (`SourceRecord.fields`). `source_raw` and
 *   `transformed_payload` are empty when there is one and NULL when not, so queries on them still work.
 */
export const CURRENT_ENCODING = 2;

export interface StoredPayloads {
  source_payload: string | Buffer;
  source_raw: string | Buffer | null;
  transformed_payload: string | Buffer | null;
  payload_encoding: number;
  payload_dictionary: number | null;
}

export interface DecodedPayloads {
  sourcePayload: unknown;
  sourceRaw: unknown;
  transformedPayload: unknown;
  /** Present when the read was narrowed (encoding 2 onwards). */
  sourceFields?: string[];
}

const json = (value: unknown): string => JSON.stringify(value ?? null);
const RAW_JSON = 0;
const RAW_DERIVED = 1;
const empty = Buffer.alloc(0);
const absent = (value: unknown) => value === null || value === undefined;

/** A flow's dictionary: one record as the audit would store it (encoding 2's layout). */
export function dictionaryContent(sourcePayload: unknown, sourceRaw: unknown, transformed: unknown): Buffer {
  return Buffer.from(combined(sourcePayload, sourceRaw, transformed, undefined));
}

/** The text encoding 2 deflates. */
function combined(
  sourcePayload: unknown,
  sourceRaw: unknown,
  transformed: unknown,
  fields: readonly string[] | undefined,
): string {
  const sourceText = json(sourcePayload);
  let rawText = 'null';
  if (!absent(sourceRaw)) {
    // The derived form first: it needs no JSON text of the raw row.
    const derived = deriveRaw(sourcePayload, sourceRaw);
    if (derived) rawText = `[${RAW_DERIVED},${JSON.stringify(derived)}]`;
    else {
      const text = json(sourceRaw);
      rawText = text === sourceText ? '0' : `[${RAW_JSON},${text}]`;
    }
  }
  return `[${sourceText},${rawText},${json(transformed)},${fields ? JSON.stringify(fields) : 'null'}]`;
}

export function encodePayloads(
  sourcePayload: unknown,
  sourceRaw: unknown,
  transformed: unknown,
  dictionary: { id: number; content: Buffer } | undefined,
  sourceFields?: readonly string[],
): StoredPayloads {
  const preset = dictionary?.content;
  const text = combined(sourcePayload, sourceRaw, transformed, sourceFields);
  // A window just big enough for the dictionary and the row, and a small hash table: a zlib stream
  // of the defaults (32 KB window, memLevel 8) costs more to set up than a row takes to compress.
  // Any inflate (default window) reads it.
  const span = Buffer.byteLength(text) + (preset?.length ?? 0);
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(span + 262))));
  return {
    source_payload: zlib.deflateRawSync(text, {
      level: 9,
      windowBits,
      memLevel: 4,
      ...(preset?.length ? { dictionary: preset } : {}),
    }),
    source_raw: absent(sourceRaw) ? null : empty,
    transformed_payload: absent(transformed) ? null : empty,
    payload_encoding: CURRENT_ENCODING,
    payload_dictionary: dictionary?.id ?? null,
  };
}

type Derived = { p: string; v: Array<string | 0> };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The text a normalised value came from, where normalising only trimmed or typed it as a number. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The raw row as a prefix and its values, each 0 where it is the payload value's text, when the raw row
 * is exactly the payload's fields (same order) under one prefix with text values; otherwise undefined.
 */
function deriveRaw(payload: unknown, raw: unknown): Derived | undefined {
  if (!isObject(payload) || !isObject(raw)) return undefined;
  const names = Object.keys(payload);
  const rawNames = Object.keys(raw);
  if (names.length === 0 || names.length !== rawNames.length) return undefined;
  const prefix = rawNames[0]!.slice(0, rawNames[0]!.length - names[0]!.length);
  const values: Array<string | 0> = [];
  for (let i = 0; i < names.length; i++) {
    const value = raw[rawNames[i]!];
    if (rawNames[i] !== prefix + names[i] || typeof value !== 'string') return undefined;
    values.push(textOf(payload[names[i]!]) === value ? 0 : value);
  }
  return { p: prefix, v: values };
}

function rebuildRaw(payload: unknown, derived: Derived): Record<string, string> {
  const names = Object.keys(payload as Record<string, unknown>);
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    const value = derived.v[i]!;
    out[derived.p + name] = value === 0 ? textOf((payload as Record<string, unknown>)[name])! : value;
  });
  return out;
}

function asBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/** Reads a row's payloads back exactly as they were given to `encodePayloads` (or written as JSON before). */
export function decodePayloads(row: StoredPayloads, dictionary: (id: number) => Buffer): DecodedPayloads {
  if (row.payload_encoding === 0) {
    return {
      sourcePayload: JSON.parse(String(row.source_payload)) as unknown,
      sourceRaw: row.source_raw === null ? null : (JSON.parse(String(row.source_raw)) as unknown),
      transformedPayload:
        row.transformed_payload === null ? null : (JSON.parse(String(row.transformed_payload)) as unknown),
    };
  }
  const base = row.payload_dictionary === null ? empty : dictionary(row.payload_dictionary);
  const unpack = (value: Buffer, preset: Buffer) =>
    zlib.inflateRawSync(value, preset.length > 0 ? { dictionary: preset } : {}).toString('utf8');
  if (row.payload_encoding === 2) return decodeCombined(unpack(asBuffer(row.source_payload), base));
  if (row.payload_encoding !== 1) throw new Error(`Unknown audit payload encoding ${row.payload_encoding}.`);
  const sourceText = unpack(asBuffer(row.source_payload), base);
  const sourcePayload = JSON.parse(sourceText) as unknown;
  const withSource = Buffer.concat([base, Buffer.from(sourceText)]);
  let sourceRaw: unknown = null;
  if (row.source_raw !== null) {
    const raw = asBuffer(row.source_raw);
    if (raw.length === 0) sourceRaw = JSON.parse(sourceText) as unknown;
    else {
      const text = unpack(raw.subarray(1), raw[0] === RAW_DERIVED ? empty : withSource);
      sourceRaw = raw[0] === RAW_DERIVED ? rebuildRaw(sourcePayload, JSON.parse(text) as Derived) : JSON.parse(text);
    }
  }
  return {
    sourcePayload,
    sourceRaw,
    transformedPayload:
      row.transformed_payload === null
        ? null
        : (JSON.parse(unpack(asBuffer(row.transformed_payload), withSource)) as unknown),
  };
}

function decodeCombined(text: string): DecodedPayloads {
  const [sourcePayload, raw, transformedPayload, fields] = JSON.parse(text) as [
    unknown,
    null | 0 | [number, unknown],
    unknown,
    string[] | null,
  ];
  let sourceRaw: unknown = null;
  // The source payload is parsed again for a raw equal to it, so the two never share objects.
  if (raw === 0) sourceRaw = JSON.parse(json(sourcePayload)) as unknown;
  else if (raw) sourceRaw = raw[0] === RAW_DERIVED ? rebuildRaw(sourcePayload, raw[1] as Derived) : raw[1];
  return { sourcePayload, sourceRaw, transformedPayload, ...(fields ? { sourceFields: fields } : {}) };
}
