import './components.css';

/** Read-only JSON, pretty-printed; `null`/missing says so instead of printing "null". */
export function JsonView({
  value,
  empty = 'Nothing recorded',
  testId,
}: {
  value: unknown;
  empty?: string;
  testId?: string;
}) {
  if (value === null || value === undefined) return <p className="muted json-empty">{empty}</p>;
  return (
    <pre className="json-view" data-testid={testId}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
