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

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', {
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
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
