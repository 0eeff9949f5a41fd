/**
 * Date and stamp text of the Infor product lines (API-FACTS §1.4–1.7), all
 * read as UTC. Parsing is strict: anything else is left as it came.
 */
/** M3 `yyyyMMdd` (UTC); a RangeError for text that is no instant. */
export const toM3Date = (iso: string) => new Date(iso).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * `yyyyMMdd`, `yyyyMMddHHmmss[SSS]`, `yyyyMMdd HH:mm:ss.fff`, `yyyy-MM-dd[ HH:mm:ss.fff]`
 * or ISO → ISO-8601 UTC; undefined for anything else (including M3's `0` for "no date").
 */
export function parseInforStamp(text: string): string | undefined {
  const value = text.trim();
  const match =
    /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(\d{1,3})?)?$/.exec(value) ??
    /^(\d{4})-?(\d{2})-?(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(?:Z|[+-]00:?00)?$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const ms = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const instant = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  if (!Number.isFinite(instant) || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31)
    return undefined;
  return new Date(instant).toISOString();
}

/** A calendar date (`yyyyMMdd`) as `yyyy-MM-dd`; undefined when it is not one. */
export function parseInforDate(text: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text.trim());
  if (!match || match[1] === '0000' || Number(match[2]) < 1 || Number(match[2]) > 12) return undefined;
  return `${match[1]}-${match[2]}-${match[3]}`;
}
