import { describe, expect, it } from 'vitest';
import { matchJobResults } from '../../../electron/backend/connectors/zendesk/zendesk-job-results';
import type { JobResult } from '../../../electron/backend/connectors/zendesk/zendesk-write';

// Shapes from API-FACTS §4.3 and fixtures/zendesk/create_or_update_many_users_real_job_results.json.
const created = (id: number, email: string): JobResult => ({ id, status: 'Created', email });
const failed = (position: number): JobResult => ({ id: position, error: 'UserUpdateError', status: 'Failed' });

describe('matching a Zendesk job’s results to its records', () => {
  it('takes an explicit index and never guesses by position when results carry one', () => {
    const results: JobResult[] = [
      { id: 11, index: 1 },
      { id: 10, index: 0 },
    ];
    expect(matchJobResults([{ index: 0 }, { index: 1 }, { index: 2 }], results)).toEqual([
      results[1],
      results[0],
      undefined,
    ]);
  });

  it('matches update jobs by the id sent, whatever the order', () => {
    const results: JobResult[] = [
      { id: 7, action: 'update', success: true },
      { id: 5, action: 'update', success: true },
    ];
    expect(
      matchJobResults(
        [
          { index: 0, id: '5' },
          { index: 1, id: '7' },
        ],
        results,
      ),
    ).toEqual([results[1], results[0]]);
  });

  it('uses position only when the counts match and the e-mails agree (case-insensitive)', () => {
    const records = [
      { index: 0, email: 'A@example.com' },
      { index: 1, email: 'b@' },
      { index: 2, email: 'c@example.com' },
    ];
    const inOrder = [created(1, 'a@example.com'), failed(1), created(3, 'c@example.com')];
    expect(matchJobResults(records, inOrder)).toEqual(inOrder);
    // One short: the failure (no e-mail) cannot be placed; the successes still find their own.
    expect(matchJobResults(records, [inOrder[0]!, inOrder[2]!])).toEqual([inOrder[0], undefined, inOrder[2]]);
    // Rotated: the failure's slot holds another's success, already claimed by e-mail.
    const rotated = [failed(1), created(1, 'a@example.com'), created(3, 'c@example.com')];
    expect(matchJobResults(records, rotated)).toEqual([rotated[1], undefined, rotated[2]]);
  });

  it('trusts no key two records share, and no result two records claim', () => {
    const results = [created(1, 'same@example.com'), created(2, 'same@example.com')];
    const records = [
      { index: 0, email: 'same@example.com' },
      { index: 1, email: 'same@example.com' },
    ];
    // Same counts, e-mails agree: position is all there is, and it is consistent.
    expect(matchJobResults(records, results)).toEqual(results);
    expect(matchJobResults(records, [results[0]!])).toEqual([undefined, undefined]);
    const both = { id: 9, status: 'Updated', email: 'x@example.com', external_id: 'E-1' };
    expect(
      matchJobResults(
        [
          { index: 0, email: 'x@example.com' },
          { index: 1, externalId: 'e-1' },
        ],
        [both],
      ),
    ).toEqual([undefined, undefined]);
  });
});
