import { useEffect, useMemo, useRef, type KeyboardEvent, type ReactNode, type UIEvent } from 'react';
import { generatedMarker } from '../../../../../shared/mapping';
import { highlightJsonata, markSpan, type Piece } from '../model/jsonata-highlight';
import { useMapper } from '../store/mapper-context';

const applyDelayMs = 700;

/**
 * The compiled JSONata beside the canvas, editable: text that parses goes back into the graph
 * (`parseMapping` with the current graph as `previous`); text that does not leaves the graph alone.
 */
export function JsonataPanel() {
  const graph = useMapper((state) => state.graph);
  const compiled = useMapper((state) => state.compiled);
  const draft = useMapper((state) => state.draft);
  const textError = useMapper((state) => state.textError);
  const fieldSelection = useMapper((state) => state.fieldSelection);
  const editText = useMapper((state) => state.editText);
  const applyText = useMapper((state) => state.applyText);
  const editing = draft !== undefined && draft.basis === graph;
  const shown = useMemo(() => panelText(compiled.expression), [compiled.expression]);
  const text = editing ? draft.text : shown.text;
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const gutter = useRef<HTMLPreElement>(null);
  const backdrop = useRef<HTMLPreElement>(null);

  useEffect(() => () => clearTimeout(timer.current), []);

  const onChange = (value: string) => {
    editText(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => applyText(), applyDelayMs);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      clearTimeout(timer.current);
      applyText();
    }
  };
  const onScroll = (event: UIEvent<HTMLTextAreaElement>) => {
    const { scrollTop, scrollLeft } = event.currentTarget;
    if (gutter.current) gutter.current.scrollTop = scrollTop;
    if (backdrop.current) {
      backdrop.current.scrollTop = scrollTop;
      backdrop.current.scrollLeft = scrollLeft;
    }
  };

  const lines = useMemo(
    () => Array.from({ length: text.split('\n').length }, (_, index) => index + 1).join('\n'),
    [text],
  );
  // Coloured tokens behind a transparent textarea; the selected target field's span (from the compiler's source map) is marked too.
  const mapped =
    !editing && fieldSelection?.side === 'target'
      ? compiled.sourceMap.find((entry) => entry.target === fieldSelection.path)?.span
      : undefined;
  const span = useMemo(
    () => mapped && { start: mapped.start - shown.shift, end: mapped.end - shown.shift },
    [mapped, shown.shift],
  );
  const tokens = useMemo(() => highlightJsonata(text), [text]);
  const pieces = useMemo(() => markSpan(tokens, span), [tokens, span]);
  const errorLine =
    textError?.position !== undefined ? text.slice(0, textError.position).split('\n').length : undefined;

  return (
    <div className="jsonata-panel" data-testid="jsonata-panel">
      <div className="panel-note">
        {editing && textError ? (
          <span className="error-text" role="alert" data-testid="jsonata-error">
            {errorLine ? `Line ${errorLine}: ` : ''}
            {textError.message} — the graph keeps its last valid state.
          </span>
        ) : (
          <span data-testid="jsonata-status">
            {panelNote}
            {editing ? ' Changes apply as you type (Ctrl+Enter applies now).' : ''}
          </span>
        )}
      </div>
      {compiled.problems.length > 0 && !editing && (
        <div className="panel-warning" data-testid="jsonata-incomplete">
          Left out until finished: {compiled.problems.map((problem) => problem.message).join(' · ')}
        </div>
      )}
      <div className={`code-editor${textError ? ' has-error' : ''}`}>
        <pre className="code-gutter" ref={gutter} aria-hidden="true">
          {lines}
        </pre>
        <div className="code-stack">
          <pre className="code-backdrop" ref={backdrop} aria-hidden="true">
            {renderPieces(pieces)}
            {'\n'}
          </pre>
          <textarea
            className="code-text"
            value={text}
            spellCheck={false}
            wrap="off"
            aria-label="JSONata expression"
            aria-invalid={textError ? true : undefined}
            onChange={(event) => onChange(event.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() => {
              clearTimeout(timer.current);
              if (editing) applyText();
            }}
            onScroll={onScroll}
            data-testid="jsonata-text"
          />
        </div>
      </div>
    </div>
  );
}

/** What the panel says about its text, in every state: one statement, never "do not edit". */
export const panelNote = 'The text is editable and becomes the graph; what the graph cannot show stays as custom text.';

/**
 * The compiled JSONata as the panel shows it: without the generated-by marker line, whose "do not
 * edit by hand" is meant for exported files and contradicts this editor. `shift` is how many
 * characters went, to move source-map spans by.
 */
export function panelText(expression: string | undefined): { text: string; shift: number } {
  const text = expression ?? '';
  const marker = `${generatedMarker}\n`;
  return text.startsWith(marker) ? { text: text.slice(marker.length), shift: marker.length } : { text, shift: 0 };
}

/** Coloured spans; the marked run (one target field) sits in a single `<mark>`. */
function renderPieces(pieces: readonly Piece[]): ReactNode[] {
  const runs: { marked: boolean; items: { piece: Piece; index: number }[] }[] = [];
  pieces.forEach((piece, index) => {
    const marked = piece.marked === true;
    const last = runs[runs.length - 1];
    if (last && last.marked === marked) last.items.push({ piece, index });
    else runs.push({ marked, items: [{ piece, index }] });
  });
  const token = ({ piece, index }: { piece: Piece; index: number }) => (
    <span key={index} className={piece.kind === 'plain' ? undefined : `tok-${piece.kind}`}>
      {piece.text}
    </span>
  );
  return runs.flatMap((run) =>
    run.marked ? [<mark key={`mark-${run.items[0]?.index ?? 0}`}>{run.items.map(token)}</mark>] : run.items.map(token),
  );
}
