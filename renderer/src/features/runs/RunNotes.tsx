/**
 * What a source or target said about a run, each once (M3: incremental sync not engaged and why;
 * Zendesk: bulk import off, users written one at a time). Worth reading, not an error.
 */
export function RunNotes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <div className="run-notes" data-testid="run-notes" role="note">
      <strong>What the systems said</strong>
      <ul>
        {notes.map((note) => (
          <li key={note} data-testid="run-note">
            {note}
          </li>
        ))}
      </ul>
    </div>
  );
}
