/** Date and number text as the Infor product lines print them (all UTC in the sandbox). */
const two = (value: number) => String(value).padStart(2, '0');

function parts(instant: number) {
  const date = new Date(instant);
  return {
    year: String(date.getUTCFullYear()),
    month: two(date.getUTCMonth() + 1),
    day: two(date.getUTCDate()),
    hour: two(date.getUTCHours()),
    minute: two(date.getUTCMinutes()),
    second: two(date.getUTCSeconds()),
    milli: String(date.getUTCMilliseconds()).padStart(3, '0'),
  };
}

/** M3 `yyyyMMdd`. */
export function ymd(instant: number): string {
  const p = parts(instant);
  return `${p.year}${p.month}${p.day}`;
}

/** M3 LMTS as `yyyyMMddHHmmssSSS` (17 digits, UTC): one of the candidate forms, see `m3Stamp`. */
export function m3Timestamp(instant: number): string {
  const p = parts(instant);
  return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}${p.milli}`;
}

export type M3StampForm = 'epochMillis' | 'ymdHmsMs17' | 'ymdHms14' | 'garbage';

/**
 * M3 LMTS (N18 "Timestamp") in the tenant's form (behaviour `m3StampForm`; the real encoding is
 * unconfirmed). `garbage` keeps the order of instants (so `>=` still narrows) but decodes to no
 * date in any known form: 18 digits starting with 9.
 */
export function m3Stamp(instant: number, form: M3StampForm): string {
  switch (form) {
    case 'epochMillis':
      return String(instant);
    case 'ymdHmsMs17':
      return m3Timestamp(instant);
    case 'ymdHms14':
      return m3Timestamp(instant).slice(0, 14);
    case 'garbage':
      return `9${String(instant).padStart(17, '0')}`;
  }
}

/** Inverse of `m3Stamp` (an instant, or undefined when the text is not in that form). */
export function parseM3Stamp(text: string, form: M3StampForm): number | undefined {
  const value = text.trim();
  if (!/^\d+$/.test(value)) return undefined;
  switch (form) {
    case 'epochMillis':
      return Number(value);
    case 'garbage':
      return value.length === 18 && value.startsWith('9') ? Number(value.slice(1)) : undefined;
    default:
      return parseStamp(value);
  }
}

/** Mongoose `yyyyMMdd HH:mm:ss.fff`. */
export function csiDateTime(instant: number): string {
  const p = parts(instant);
  return `${p.year}${p.month}${p.day} ${p.hour}:${p.minute}:${p.second}.${p.milli}`;
}

/** `yyyy-MM-dd HH:mm:ss.fff` (Mongoose `_ItemId` DT and filter literals). */
export function isoSpaced(instant: number): string {
  const p = parts(instant);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${p.milli}`;
}

/** FSM `_fts`: UTC `YYYYMMDDHHMMSSFF` (hundredths). */
export function fsmStamp(instant: number): string {
  const p = parts(instant);
  return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}${p.milli.slice(0, 2)}`;
}

export function isoDate(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/**
 * Parses the digit-run stamps above (8 to 17 digits) and spaced or ISO forms back to epoch ms (UTC).
 * Returns undefined for anything else.
 */
export function parseStamp(text: string): number | undefined {
  const trimmed = text.trim();
  const digits = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(\d{1,3})?$/.exec(trimmed);
  const spaced = /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?Z?$/.exec(trimmed);
  const match = digits ?? spaced;
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction] = match;
  const milli = fraction ? Number(fraction.padEnd(3, '0')) : 0;
  const value = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    milli,
  );
  return Number.isFinite(value) ? value : undefined;
}

/** Amounts as plain decimal text with a dot: `1234.5`, `640`. */
export function decimal(value: number): string {
  return String(Math.round(value * 100) / 100);
}
