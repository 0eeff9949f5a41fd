import type { Connection } from '../../../../shared/domain/connection';
import { formatRelative } from '../../components/format';
import { systemSpec } from '../../../../shared/systems/catalog';
import type { SignInState } from './connections.store';

/* The browser sign-in row of a connection card. */

export function signInOffered(connection: Connection): boolean {
  const offer = systemSpec(connection.system).signIn;
  return offer !== undefined && (offer.available?.(connection.settings) ?? true);
}

/**
 * The browser sign-in: the button opens the system's sign-in page in the browser;
 * the card waits for the loopback redirect (5 minutes at most) and says how it went.
 */
export function SignInRow({
  label,
  signIn,
  onSignIn,
  onCancel,
}: {
  label: string;
  signIn?: SignInState;
  onSignIn(): void;
  onCancel?: () => void;
}) {
  const busy = signIn?.state === 'starting' || signIn?.state === 'waiting';
  return (
    <div className="sign-in-row" data-testid="sign-in" data-state={signIn?.state ?? 'idle'} role="status">
      <button type="button" className="button small" onClick={onSignIn} disabled={busy} data-testid="sign-in-button">
        {label}
      </button>
      {busy && (
        <>
          <span className="muted">
            <span className="spinner small" aria-hidden="true" /> Waiting for the browser — finish signing in there (up
            to 5 minutes)…
          </span>
          {signIn.state === 'waiting' && onCancel && (
            <button type="button" className="button small ghost" onClick={onCancel} data-testid="sign-in-cancel">
              Cancel
            </button>
          )}
        </>
      )}
      {signIn?.state === 'signedIn' && (
        <span className="sign-in-ok" data-testid="sign-in-outcome">
          Signed in {formatRelative(signIn.at)}; the new refresh token is stored.
        </span>
      )}
      {signIn?.state === 'cancelled' && (
        <span className="muted" data-testid="sign-in-outcome">
          Sign-in cancelled.
        </span>
      )}
      {signIn?.state === 'failed' && (
        <span className="inline-warning" data-testid="sign-in-outcome">
          {signIn.error.message} <code>{signIn.error.code}</code>
        </span>
      )}
    </div>
  );
}
