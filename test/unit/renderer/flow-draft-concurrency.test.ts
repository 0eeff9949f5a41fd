import { describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import { draftFromFlow, draftFromMapping, validateDraft } from '../../../renderer/src/features/flows/flow-draft';
import { writesInFlightHint as hintFor } from '../../../renderer/src/features/flows/writes-in-flight-hint';

describe('a flow draft’s writes in flight', () => {
  const connections = [
    { id: 'infor-1', system: 'infor' },
    { id: 'zoho-1', system: 'zoho' },
  ] as unknown as Connection[];
  const mapping = { id: 'm1', name: 'Customers', sourceEntity: 'customers', targetEntity: 'Accounts' } as Mapping;
  const draft = { ...draftFromMapping(mapping, connections, 'UTC'), matchKey: ['Infor_Customer_No'] };

  it('leaves the option out when empty: runs use the target’s documented limit', () => {
    expect(draft.concurrency).toBe('');
    const { input, errors } = validateDraft(draft);
    expect(errors).toEqual({});
    expect(input!.options).not.toHaveProperty('concurrency');
  });

  it('saves a number and reads it back when the flow is opened again', () => {
    const { input } = validateDraft({ ...draft, concurrency: ' 3 ' });
    expect(input!.options!.concurrency).toBe(3);
    const back = draftFromFlow({ ...input!, id: 'f1', createdAt: '', updatedAt: '' } as Flow, 'UTC');
    expect(back.concurrency).toBe('3');
  });

  it.each(['0', '-2', '2.5', 'ten', '101'])('refuses %s with a message that says what to enter', (value) => {
    const { input, errors } = validateDraft({ ...draft, concurrency: value });
    expect(input).toBeUndefined();
    expect(errors.concurrency).toBe(
      'Writes in flight is a whole number from 1 (one batch at a time) to 100, or empty for the target’s documented limit.',
    );
  });

  it('hints what the value means at the target', () => {
    expect(hintFor('', 10)).toBe('Batches written at once; empty uses the target’s documented 10. 1 = one at a time.');
    expect(hintFor('', undefined)).toBe(
      'Batches written at once; empty uses the target’s documented limit. 1 = one at a time.',
    );
    expect(hintFor('1', 10)).toBe('One batch at a time (serial writes).');
    expect(hintFor('4', 10)).toBe('Up to 4 batches at once, fewer while the target throttles.');
    expect(hintFor('25', 10)).toBe('Above the target’s documented 10: runs keep at most 10 in flight.');
  });
});
