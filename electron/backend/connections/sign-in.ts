import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignInStatus } from '../../../shared/api/connections.contract';
import type { ConnectionId } from '../../../shared/domain/connection';
import { AppError, errorMessage, type ErrorCode } from '../../../shared/errors';
import type { Handlers } from '../api/dispatch';
import { openConnector } from '../connectors/connector-registry';
import type { BackendContext } from '../context';
import { redact, registerSecret } from '../util/redact';

/** How long a sign-in waits for the browser before it gives up and frees its port. */
export const signInTimeoutMs = 5 * 60_000;
/** Finished sign-ins stay readable by `connections.signInStatus` for a while; older ones are forgotten. */
const keptFinished = 50;

interface Session {
  status: SignInStatus;
  state: string;
  verifier: string;
  redirectUri: string;
  server: http.Server;
  timer: NodeJS.Timeout;
  /** The browser came back; the code exchange is under way (a cancel now discards its result). */
  exchanging: boolean;
}

/** One set of sign-ins per backend, ended with it. */
const perBackend = new WeakMap<BackendContext, Map<string, Session>>();

function sessionsOf(context: BackendContext): Map<string, Session> {
  let sessions = perBackend.get(context);
  if (!sessions) {
    const created = new Map<string, Session>();
    sessions = created;
    perBackend.set(context, created);
    context.onClose(() => {
      for (const id of created.keys()) finish(context, id, 'cancelled', 'E_SIGNIN_CANCELLED', 'The app closed.');
    });
  }
  return sessions;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** Constant-time comparison, so the state cannot be guessed a character at a time. */
function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function page(title: string, text: string): string {
  const escape = (value: string) => value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body style="font-family:system-ui,sans-serif;margin:3rem"><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`;
}

function finish(
  context: BackendContext,
  id: string,
  status: Exclude<SignInStatus['status'], 'waiting'>,
  code?: ErrorCode,
  message?: string,
): void {
  const session = sessionsOf(context).get(id);
  if (!session || session.status.status !== 'waiting') return;
  clearTimeout(session.timer);
  session.status = {
    ...session.status,
    status,
    ...(code ? { error: { code, message: redact(message ?? code) } } : {}),
  };
  // One-shot: the port closes with the first answer (the response in flight still completes).
  session.server.close();
  session.server.closeIdleConnections();
  context.events.emit('connections.signIn', session.status);
  const sessions = sessionsOf(context);
  const finished = [...sessions].filter(([, one]) => one.status.status !== 'waiting');
  for (const [old] of finished.slice(0, Math.max(0, finished.length - keptFinished))) sessions.delete(old);
}

/** The browser came back to the loopback redirect: check it, exchange the code, keep the secrets. */
async function callback(
  context: BackendContext,
  id: string,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const session = sessionsOf(context).get(id);
  const reply = (status: number, title: string, text: string) => {
    response.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      connection: 'close',
    });
    response.end(page(title, text));
  };
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  // Anything but the redirect itself (a favicon request, a probe) leaves the sign-in alone.
  if (request.method !== 'GET' || url.pathname !== '/callback') return reply(404, 'Not found', 'Nothing here.');
  if (!session || session.status.status !== 'waiting' || session.exchanging)
    return reply(410, 'Sign-in over', 'This sign-in has already finished; start a new one from ml-connector Studio.');
  const params = url.searchParams;
  // RFC 6749 §10.12: a redirect without our state may be forged (login CSRF); refuse it and end this sign-in.
  if (!sameSecret(params.get('state') ?? '', session.state)) {
    finish(
      context,
      id,
      'failed',
      'E_SIGNIN_STATE',
      'The sign-in answer did not carry this sign-in’s state; it was refused. Sign in again.',
    );
    return reply(400, 'Sign-in refused', 'This answer does not belong to the sign-in ml-connector Studio started.');
  }
  const error = params.get('error');
  if (error) {
    const description = (params.get('error_description') ?? '').slice(0, 300);
    const declined = error === 'access_denied';
    finish(
      context,
      id,
      'failed',
      declined ? 'E_SIGNIN_DENIED' : 'E_AUTH_FAILED',
      declined
        ? 'Access was declined in the browser; sign in again and accept to connect.'
        : `The sign-in page answered ${error}${description ? ` — ${description}` : ''}.`,
    );
    return reply(400, 'Sign-in failed', declined ? 'Access was declined.' : `The sign-in failed (${error}).`);
  }
  const code = params.get('code');
  if (!code) {
    finish(context, id, 'failed', 'E_AUTH_FAILED', 'The sign-in answer carried no authorization code.');
    return reply(400, 'Sign-in failed', 'No authorization code came back.');
  }
  registerSecret(code);
  session.exchanging = true;
  clearTimeout(session.timer);
  const connectionId = session.status.connectionId;
  try {
    const connector = openConnector(context, connectionId);
    let secrets: Record<string, string>;
    try {
      if (!connector.signIn) throw new AppError('E_SIGNIN_UNSUPPORTED', 'This connection has no browser sign-in.');
      secrets = await connector.signIn.exchange({
        code,
        codeVerifier: session.verifier,
        redirectUri: session.redirectUri,
        params,
      });
    } finally {
      await connector.close();
    }
    // Cancelled while the code was exchanged: the person no longer wants these credentials kept.
    if (session.status.status !== 'waiting') return reply(410, 'Sign-in cancelled', 'This sign-in was cancelled.');
    context.vault.setMany(connectionId, secrets);
    // The old refresh token's access token must not outlive it; the next call signs in afresh.
    context.store.connectionCaches.clearToken(connectionId);
    await context.http.drop(connectionId);
    session.exchanging = false;
    finish(context, id, 'signedIn');
    context.events.emit('connections.changed', { ids: [connectionId] });
    reply(200, 'Signed in', 'You can close this tab and return to ml-connector Studio.');
  } catch (failure) {
    session.exchanging = false;
    const code = failure instanceof AppError ? failure.code : 'E_AUTH_FAILED';
    finish(context, id, 'failed', code, errorMessage(failure));
    reply(400, 'Sign-in failed', redact(errorMessage(failure)));
  }
}

/**
 * Starts a browser sign-in: a one-shot loopback server on 127.0.0.1, port
 * chosen by the system (RFC 8252 §7.3, §8.3), PKCE with S256 (RFC 7636) and a
 * random `state`. The caller opens `authorizeUrl` in the system browser.
 */
export async function startSignIn(
  context: BackendContext,
  connectionId: ConnectionId,
  timeoutMs = context.signInTimeoutMs ?? signInTimeoutMs,
) {
  const connection = context.connections.get(connectionId);
  if (!connection) throw new AppError('E_NOT_FOUND', `No connection with id ${connectionId}.`);
  // A registered redirect URI that names a port (exact matching) needs that port; else any free one.
  const port = Number(connection.settings.redirectPort ?? 0) || 0;
  const connector = openConnector(context, connectionId);
  try {
    const signIn = connector.signIn;
    if (!signIn)
      throw new AppError(
        'E_SIGNIN_UNSUPPORTED',
        `${connector.descriptor.label} has no browser sign-in; enter its credentials in the connection settings.`,
      );
    const id = randomUUID();
    // RFC 7636 §4.1: 32 random octets, base64url: a 43-character verifier; §7.1 wants at least 256 bits.
    const verifier = base64url(randomBytes(32));
    const state = base64url(randomBytes(32));
    registerSecret(verifier);
    const server = http.createServer((request, response) => {
      callback(context, id, request, response).catch((failure: unknown) => {
        context.log.warn('sign-in callback failed', { error: redact(errorMessage(failure)) });
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new AppError(
                'E_CONFLICT',
                `Port ${port} on 127.0.0.1 is in use, so the sign-in cannot receive its answer; close what uses it or change the redirect port.`,
              )
            : error,
        ),
      );
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    let authorizeUrl: string;
    try {
      authorizeUrl = signIn.authorizeUrl({
        redirectUri,
        state,
        codeChallenge: createHash('sha256').update(verifier, 'ascii').digest('base64url'),
      });
    } catch (failure) {
      server.close();
      throw failure;
    }
    const timer = setTimeout(
      () =>
        finish(
          context,
          id,
          'timedOut',
          'E_SIGNIN_TIMEOUT',
          `Nobody finished the sign-in within ${Math.round(timeoutMs / 60_000) || 1} minutes; start it again.`,
        ),
      timeoutMs,
    );
    timer.unref();
    const status: SignInStatus = { signInId: id, connectionId, status: 'waiting' };
    sessionsOf(context).set(id, { status, state, verifier, redirectUri, server, timer, exchanging: false });
    context.events.emit('connections.signIn', status);
    return {
      signInId: id,
      connectionId,
      authorizeUrl,
      redirectUri,
      expiresAt: new Date(Date.now() + timeoutMs).toISOString(),
    };
  } finally {
    await connector.close();
  }
}

function statusOf(context: BackendContext, signInId: string): SignInStatus {
  const session = sessionsOf(context).get(signInId);
  if (!session) throw new AppError('E_NOT_FOUND', `No sign-in ${signInId}; it may be long finished. Start a new one.`);
  return session.status;
}

export const signInHandlers: Pick<
  Handlers,
  'connections.signIn' | 'connections.signInStatus' | 'connections.cancelSignIn'
> = {
  'connections.signIn': (input, context) => startSignIn(context, input.id),
  'connections.signInStatus': (input, context) => statusOf(context, input.signInId),
  'connections.cancelSignIn': (input, context) => {
    const session = sessionsOf(context).get(input.signInId);
    const waiting = session?.status.status === 'waiting';
    finish(context, input.signInId, 'cancelled', 'E_SIGNIN_CANCELLED', 'The sign-in was cancelled.');
    return { cancelled: waiting };
  },
};
