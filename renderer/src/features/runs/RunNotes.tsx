/**
 * What a source or target said about a run, each once (M3: incremental sync not engaged and why;
 * Zendesk: bulk import off, users written one at a time). Worth reading, not an error.
 */
export function RunNotes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  // A reconcile run's summary (reconcile.ts) comes first, on its own: it is the run's result.
  const summaries = notes.filter((note) => /^Reconcile( \(dry run\))?: /.test(note));
  const said = notes.filter((note) => !summaries.includes(note));
  return (
    <>
      {summaries.length > 0 && (
        <div className="run-notes" data-testid="run-reconcile" role="status">
          <strong>Reconcile summary</strong>
          <ul>
            {summaries.map((note) => (
              <li key={note} data-testid="run-reconcile-summary">
                {note}
              </li>
            ))}
          </ul>
        </div>
      )}
      {said.length > 0 && <SystemNotes notes={said} />}
    </>
  );
}

function SystemNotes({ notes }: { notes: readonly string[] }) {
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
