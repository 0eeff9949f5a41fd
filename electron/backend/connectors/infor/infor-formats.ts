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

/**
 * Forms M3's LMTS (N18 "Timestamp") might take. The encoding is unconfirmed (API-FACTS §10): the only
 * public hint is 13-digit epoch milliseconds; `yyyyMMddHHmmss[SSS]` are the other plausible forms.
 * N18 text may come zero-padded to 18 digits.
 */
export const m3StampForms = ['epochMillis', 'ymdHmsMs17', 'ymdHms14'] as const;
export type M3StampForm = (typeof m3StampForms)[number];

/** An LMTS in `form` as ISO-8601 UTC; undefined when the text is not in that form. */
export function parseM3Stamp(text: string, form: M3StampForm): string | undefined {
  const digits = text.trim().replace(/^0+(?=\d)/, '');
  if (!/^\d+$/.test(digits)) return undefined;
  if (form === 'epochMillis') {
    // 2001-09-09 .. 2286: 13 digits; anything else is not a plausible change stamp.
    if (digits.length !== 13) return undefined;
    return new Date(Number(digits)).toISOString();
  }
  if (digits.length !== (form === 'ymdHmsMs17' ? 17 : 14)) return undefined;
  return parseInforStamp(digits);
}

/** The LMTS text for an ISO instant, for `stamp >= …` conditions (14 digits floor to the second: a superset). */
export function toM3Stamp(iso: string, form: M3StampForm): string {
  const instant = new Date(iso);
  if (form === 'epochMillis') return String(instant.getTime());
  const digits = instant.toISOString().replace(/\D/g, '');
  return digits.slice(0, form === 'ymdHmsMs17' ? 17 : 14);
}

/**
 * The LMTS form that decodes every sample to (within a day of) its change date LMDT, or undefined
 * when none does, or no sample has both. A day of slack: LMDT is the tenant's local date.
 */
export function detectM3StampForm(samples: Array<{ stamp: string; date: string }>): M3StampForm | undefined {
  const usable = samples.filter((sample) => /^\d+$/.test(sample.stamp.trim()) && parseInforDate(sample.date));
  if (usable.length === 0) return undefined;
  return m3StampForms.find((form) =>
    usable.every((sample) => {
      const iso = parseM3Stamp(sample.stamp, form);
      const date = parseInforDate(sample.date);
      if (!iso || !date) return false;
      return Math.abs(Date.parse(iso) - Date.parse(`${date}T12:00:00Z`)) <= 36 * 3_600_000;
    }),
  );
}
