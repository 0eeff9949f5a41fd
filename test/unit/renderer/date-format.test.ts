import { describe, expect, it } from 'vitest';
import { formatClock, formatDateTime } from '../../../renderer/src/components/format';
import { scheduleFromDraft } from '../../../renderer/src/features/flows/flow-draft';

describe('the one date format of the app (issue 19)', () => {
  const now = new Date('2026-12-04T10:00:00Z');
  it('gives the year when the stamp is not from this year, and leaves it out when it is', () => {
    expect(formatDateTime('2025-06-29T08:05:09Z', { timeZone: 'UTC', now })).toBe('29 Jun 2025, 08:05:09');
    expect(formatDateTime('2026-06-29T08:05:09Z', { timeZone: 'UTC', now })).toBe('29 Jun, 08:05:09');
    expect(formatDateTime('2027-01-02T00:00:00Z', { timeZone: 'UTC', now, seconds: false })).toBe('2 Jan 2027, 00:00');
  });
  it('shows a stamp in the zone asked for, the year judged in that zone', () => {
    // 31 Dec 2025 23:30 UTC is already 1 Jan 2026 in Amsterdam: this year there.
    expect(formatDateTime('2025-12-31T23:30:00Z', { timeZone: 'Europe/Amsterdam', now, seconds: false })).toBe(
      '1 Jan, 00:30',
    );
    expect(formatDateTime('2025-12-31T23:30:00Z', { timeZone: 'UTC', now, seconds: false })).toBe('31 Dec 2025, 23:30');
    expect(formatClock('2026-12-04T09:05:00Z', 'Europe/Amsterdam')).toBe('10:05');
  });
  it('says what is missing or not a date', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('soon')).toBe('soon');
  });
});

describe('a schedule draft says at once what is wrong with it', () => {
  const draft = { kind: 'cron' as const, cron: '0 6 * *', every: '', unit: 'minutes' as const, timeZone: 'UTC' };
  it('counts the fields of a cron expression', () => {
    expect(scheduleFromDraft(draft).error).toEqual({
      field: 'cron',
      message:
        'A cron expression has five fields (minute hour day-of-month month day-of-week), e.g. */15 * * * *; this one has 4.',
    });
  });
  it('names a time zone that is not one, in plain words', () => {
    expect(scheduleFromDraft({ ...draft, cron: '0 6 * * 1-5', timeZone: 'Europe/Pariss' }).error).toEqual({
      field: 'timeZone',
      message:
        '“Europe/Pariss” is not a time zone. Pick one from the list, e.g. Europe/Amsterdam, America/New_York or UTC.',
    });
    expect(scheduleFromDraft({ ...draft, cron: '0 6 * * 1-5', timeZone: 'Europe/Paris' }).schedule).toEqual({
      kind: 'cron',
      cron: '0 6 * * 1-5',
      timeZone: 'Europe/Paris',
    });
  });
});
