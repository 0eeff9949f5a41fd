import type { ReactNode } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import './components.css';

/** A calm "working on it" line; `testId` lets tests wait for it to go away. */
export function Loading({ label, testId }: { label: string; testId?: string }) {
  return (
    <div className="state-loading" role="status" aria-live="polite" data-testid={testId}>
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** What went wrong, in the backend's words, with the code for support and a way to try again. */
export function ErrorPanel({
  title,
  error,
  onRetry,
  testId,
  children,
}: {
  title: string;
  error: Pick<ErrorInfo, 'code' | 'message'>;
  onRetry?: () => void;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <div className="panel error-panel state-error" role="alert" data-testid={testId}>
      <div className="state-error-head">
        <h2>{title}</h2>
        <code className="error-code">{error.code}</code>
      </div>
      <p data-testid={testId ? `${testId}-message` : undefined}>{error.message}</p>
      {children}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  children,
  actions,
  testId,
}: {
  icon: string;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="empty-state" data-testid={testId}>
      <div className="empty-icon" aria-hidden="true">
        {icon}
      </div>
      <h2>{title}</h2>
      {children && <div className="empty-text">{children}</div>}
      {actions && <div className="empty-actions">{actions}</div>}
    </div>
  );
}

export type BadgeTone = 'neutral' | 'accent' | 'ok' | 'warn' | 'danger';

export function Badge({
  tone = 'neutral',
  title,
  children,
  testId,
}: {
  tone?: BadgeTone;
  title?: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <span className={`tag tag-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}
