import { describe, expect, it } from 'vitest';
import { zohoCreditBudget, zohoCreditEstimate, zohoCreditText } from '../../../shared/connectors/zoho-credits';
import { zohoDailyCredits } from '../../../shared/connectors/zoho.settings';

describe('Zoho daily-credit budget (API-FACTS §2.4)', () => {
  it('prices upserts at 1 credit per call and at 1 per 10 records (sources disagree), reads at 1 per page', () => {
    expect(zohoCreditEstimate({ writes: 250 })).toEqual({ calls: { write: 3, read: 0 }, low: 3, high: 25 });
    expect(zohoCreditEstimate({ writes: 1000, reads: 401 })).toEqual({
      calls: { write: 10, read: 3 },
      low: 13,
      high: 103,
    });
    expect(zohoCreditEstimate({ writes: 0 })).toEqual({ calls: { write: 0, read: 0 }, low: 0, high: 0 });
  });

  it('takes the edition’s daily credits: base plus users, up to its cap', () => {
    expect(zohoDailyCredits('free', 30)).toBe(5_000);
    expect(zohoDailyCredits('standard', 1)).toBe(50_250);
    expect(zohoDailyCredits('standard', 1_000)).toBe(100_000);
    expect(zohoDailyCredits('enterprise', 10)).toBe(60_000);
    expect(zohoDailyCredits('ultimate', 100)).toBe(250_000);
  });

  it('warns when a run may or would exceed what the org has a day', () => {
    const free = { edition: 'free' };
    expect(zohoCreditBudget(zohoCreditEstimate({ writes: 10_000 }), free).verdict).toBe('fits');
    const maybe = zohoCreditBudget(zohoCreditEstimate({ writes: 60_000 }), free);
    expect(maybe).toMatchObject({ low: 600, high: 6_000, left: 5_000, verdict: 'may-exceed' });
    expect(zohoCreditText(maybe, 60_000)).toMatch(/600–6,000 .* of 5,000 a day \(Free\)\. It may exceed/);
    const over = zohoCreditBudget(zohoCreditEstimate({ writes: 600_000 }), free);
    expect(over.verdict).toBe('exceeds');
    expect(zohoCreditText(over, 600_000)).toMatch(/would exceed the org's daily credits.*LIMIT_REACHED/);
    // No edition set: Standard.
    expect(zohoCreditBudget(zohoCreditEstimate({ writes: 1 }), {})).toMatchObject({
      edition: 'standard',
      left: 50_250,
    });
  });
});
