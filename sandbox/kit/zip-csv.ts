import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The zip (PKWARE APPNOTE 6.3: local headers, central directory, end record; methods 0 store and
 * 8 deflate) and CSV (RFC 4180: `,` separators, `"` quoting with `""` escapes, CRLF or LF line ends,
 * line breaks inside quoted fields) that bulk APIs exchange, written from those specifications with
 * Node built-ins only, so the simulators never share a parser with the connectors they check.
 */

/** Files of a zip archive by name; throws when the bytes are not a zip. */
export function unzip(bytes: Uint8Array): Map<string, Buffer> {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: at the end, before a comment of at most 65,535 bytes.
  let end = -1;
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 65_535); at -= 1) {
    if (data.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const entries = data.readUInt16LE(end + 10);
  let at = data.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let index = 0; index < entries; index += 1) {
    if (data.readUInt32LE(at) !== 0x02014b50) throw new Error('broken zip central directory');
    const method = data.readUInt16LE(at + 10);
    const compressed = data.readUInt32LE(at + 20);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const local = data.readUInt32LE(at + 42);
    const name = data.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (data.readUInt32LE(local) !== 0x04034b50) throw new Error('broken zip local header');
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const raw = data.subarray(start, start + compressed);
    if (method === 0) files.set(name, Buffer.from(raw));
    else if (method === 8) files.set(name, inflateRawSync(raw));
    else throw new Error(`zip compression method ${method} is not supported`);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

/** A zip archive of deflated files. */
export function zip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = deflateRawSync(content);
    const crc = crc32(content);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    header.writeUInt16LE(0x0800, 6); // bit 11: the name is UTF-8
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(content.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    locals.push(header, nameBytes, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(content.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += header.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Strict CSV as the vendors' bulk readers take it (Salesforce Bulk API 2.0, Zoho Bulk Write): comma-
 * separated, records ended by `lineEnding`, a quoted value quoted whole (`""` for a quote), nothing
 * between a closing quote and the next delimiter, every row as wide as the header. A stray `\r` in
 * an LF file stays in the value.
 */
export function parseStrictCsv(text: string, lineEnding: '\n' | '\r\n'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} (row ${rows.length + 1})`);
  };
  while (at < text.length) {
    let value = '';
    if (text[at] === '"') {
      at += 1;
      for (;;) {
        if (at >= text.length) fail('unterminated quoted value');
        if (text[at] === '"') {
          if (text[at + 1] === '"') {
            value += '"';
            at += 2;
            continue;
          }
          at += 1;
          break;
        }
        value += text[at];
        at += 1;
      }
      if (at < text.length && text[at] !== ',' && !text.startsWith(lineEnding, at))
        fail('characters after a closing quote');
    } else {
      while (at < text.length && text[at] !== ',' && !text.startsWith(lineEnding, at)) {
        if (text[at] === '"') fail('a quote inside an unquoted value');
        value += text[at];
        at += 1;
      }
    }
    row.push(value);
    if (text[at] === ',') {
      at += 1;
      if (at >= text.length) {
        row.push('');
        rows.push(row);
        row = [];
      }
      continue;
    }
    if (text.startsWith(lineEnding, at)) at += lineEnding.length;
    rows.push(row);
    row = [];
  }
  const width = rows[0]?.length ?? 0;
  rows.forEach((candidate, index) => {
    if (candidate.length !== width)
      throw new Error(`row ${index + 1} has ${candidate.length} values, the header ${width}`);
  });
  return rows;
}

/** RFC 4180 CSV with CRLF line ends; fields holding `,`, `"` or a line break are quoted. */
export function formatCsv(rows: string[][]): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return rows.map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}
