import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AuditRetentionForm, retentionInput } from '../../../renderer/src/features/runs/AuditRetentionForm';

describe('the audit retention setting', () => {
  it('turns the form into the retention call: days, a size cap or none', () => {
    expect(retentionInput('90', '')).toEqual({ days: 90, maxMb: null });
    expect(retentionInput(' 30 ', '512')).toEqual({ days: 30, maxMb: 512 });
    expect(retentionInput('0', '')).toEqual({ error: expect.stringMatching(/1 to 3650 days/) });
    expect(retentionInput('9999', '')).toEqual({ error: expect.stringMatching(/1 to 3650 days/) });
    expect(retentionInput('30', '1.5')).toEqual({ error: expect.stringMatching(/whole number of MB/) });
  });

  it('shows the saved values and what saving removed', () => {
    const noop = () => undefined;
    const html = renderToStaticMarkup(
      <AuditRetentionForm
        days="30"
        maxMb="512"
        message="Saved; 12 older audit rows removed."
        setDays={noop}
        setMaxMb={noop}
        save={noop}
      />,
    );
    expect(html).toContain('data-testid="retention-days" value="30"');
    expect(html).toContain('value="512"');
    expect(html).toContain('Saved; 12 older audit rows removed.');
  });
});
