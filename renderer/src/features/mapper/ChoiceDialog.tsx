import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogChoice {
  label: string;
  onChoose(): void;
  tone?: 'primary' | 'danger';
  testId: string;
}

/**
 * A modal question with a few answers, on the platform's own `<dialog>`: showModal() makes the
 * rest of the app inert, keeps Tab inside and answers Escape with `cancel`, which we map to
 * the safe answer (or to nothing when the question must be answered).
 */
export function ChoiceDialog(props: {
  title: string;
  children: ReactNode;
  choices: DialogChoice[];
  /** Index of the choice focused first: the one that loses nothing. */
  initial: number;
  /** Escape; leave out when Escape should not answer. */
  onCancel?(): void;
  busy?: boolean;
  error?: string;
  testId: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const first = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (!element.open) element.showModal();
    first.current?.focus();
    return () => element.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="choice-dialog"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      aria-busy={props.busy ? 'true' : undefined}
      onCancel={(event) => {
        event.preventDefault();
        if (!props.busy) props.onCancel?.();
      }}
      data-testid={props.testId}
    >
      <h2 id={titleId}>{props.title}</h2>
      <div id={bodyId} className="choice-dialog-body">
        {props.children}
      </div>
      {props.error && (
        <p className="choice-dialog-error" role="alert" data-testid={`${props.testId}-error`}>
          {props.error}
        </p>
      )}
      <div className="choice-dialog-actions">
        {props.choices.map((choice, index) => (
          <button
            key={choice.testId}
            ref={index === props.initial ? first : undefined}
            type="button"
            className={choice.tone ? `button ${choice.tone}` : 'button'}
            disabled={props.busy}
            onClick={choice.onChoose}
            data-testid={choice.testId}
          >
            {choice.label}
          </button>
        ))}
      </div>
    </dialog>
  );
}
