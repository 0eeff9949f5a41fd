import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RunNotes } from '../../../renderer/src/features/runs/RunNotes';

describe('the notes a run keeps', () => {
  it('lists what the systems said, once each, as a note', () => {
    const html = renderToStaticMarkup(
      <RunNotes
        notes={[
          'Zendesk bulk user import is off on this account: users are written one at a time.',
          'incremental sync not engaged for customers: OCUSMA has no recognised change stamp.',
        ]}
      />,
    );
    expect(html).toContain('role="note"');
    expect(html.match(/data-testid="run-note"/g)).toHaveLength(2);
    expect(html).toContain('users are written one at a time');
    expect(html).toContain('incremental sync not engaged');
  });

  it('says nothing when the systems said nothing', () => {
    expect(renderToStaticMarkup(<RunNotes notes={[]} />)).toBe('');
  });
});
