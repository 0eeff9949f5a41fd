/** Display helpers shared by the screens; pure, so stores and tests can use them too. */

const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes} min ${Math.round(seconds % 60)} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/**
 * The one way the app writes a date and time: "4 Dec, 09:05:12", with the year when it is not the
 * current one ("29 Jun 2025, 09:05:12") so an old stamp never passes for a recent one. Every screen
 * uses this (or `formatRelative`/`formatClock`); `timeZone` shows the stamp in a given zone (a
 * schedule's), otherwise the viewer's. `now` is for tests.
 */
export function formatDateTime(
  iso: string | null | undefined,
  options: { timeZone?: string; seconds?: boolean; now?: Date } = {},
): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const { timeZone, seconds = true, now = new Date() } = options;
  const year = (when: Date) => new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone }).format(when);
  const parts = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(year(date) === year(now) ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((entry) => entry.type === type)?.value;
  const day = [part('day'), part('month'), part('year')].filter(Boolean).join(' ');
  const clock = [part('hour'), part('minute'), part('second')].filter(Boolean).join(':');
  return `${day}, ${clock}`;
}

/** "09:05": a time of today, as a banner gives it (the viewer's zone unless one is given). */
export function formatClock(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(
    new Date(iso),
  );
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (!Number.isFinite(seconds)) return iso;
  if (Math.abs(seconds) < 5) return 'just now';
  const future = seconds < 0;
  const span = formatDuration(Math.abs(seconds))
    .replace(/ \d+ s$/, '')
    .replace(/ \d+ min$/, '');
  return future ? `in ${span}` : `${span} ago`;
}

/** Milliseconds between two stamps in words; a running run counts to now. */
export function elapsed(startedAt: string, finishedAt: string | null, now = Date.now()): string {
  const end = finishedAt ? new Date(finishedAt).getTime() : now;
  return formatDuration((end - new Date(startedAt).getTime()) / 1000);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`;
}
