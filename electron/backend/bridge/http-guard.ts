import http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * What every local HTTP server of ours (the web bridge, `mlc serve`) needs so that
 * no single request can take the process down: a request target that is not a URL,
 * a body over the limit, a handler that throws and a request line Node cannot parse
 * each get an answer, never an uncaught exception. Any page in the user's browser
 * can send such requests to 127.0.0.1 (an `<img src>` is enough).
 */

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/** The request target as a URL, or undefined when it is none (`GET //[`), to be answered with 400. */
export function requestUrl(request: http.IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

/** How much of a refused body is still read and dropped before the connection is cut. */
const drainBytes = 64 * 1024 * 1024;

/**
 * The body, at most `limit` bytes. A Content-Length over the limit is refused before
 * anything is read. On BodyTooLargeError the caller answers 413 at once; the rest of the
 * body is read and dropped (up to 64 MiB more) because cutting the connection while the
 * client still sends makes its kernel discard the 413 unread: the client would see a
 * reset. Past that the connection is cut all the same.
 */
export function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = () => {
      refused = true;
      chunks.length = 0;
      reject(new BodyTooLargeError(limit));
    };
    // Node has already refused a Content-Length that is not a number (400), so this one is well formed.
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) refuse();
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refused) {
        if (size > limit + drainBytes) request.socket.destroy();
        return;
      }
      if (size > limit) return refuse();
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    request.on('error', (error) => {
      if (!refused) reject(error);
    });
    request.on('close', () => {
      if (!request.complete && !refused) reject(new Error('The client hung up before sending the whole body.'));
    });
  });
}

/**
 * Runs a request handler so that a throw or a rejection is answered (500, through
 * `fail`) and logged by the caller instead of ending the process. When the answer has
 * already begun, the connection is cut: a half-sent response must not look complete.
 */
export function guarded(
  handler: (request: http.IncomingMessage, response: http.ServerResponse) => void | Promise<void>,
  fail: (response: http.ServerResponse, error: unknown) => void,
): http.RequestListener {
  const failed = (response: http.ServerResponse, error: unknown) => {
    if (response.headersSent || response.writableEnded) {
      response.destroy();
      return;
    }
    try {
      fail(response, error);
    } catch {
      response.destroy();
    }
  };
  return (request, response) => {
    try {
      const running = handler(request, response);
      if (running) running.catch((error: unknown) => failed(response, error));
    } catch (error) {
      failed(response, error);
    }
  };
}

/**
 * A request line or header block that Node cannot parse never reaches a handler; this
 * answers it with a short JSON 400 (431 for oversized headers) and hangs up, as RFC 9112
 * asks, instead of leaving the client guessing. When the bad bytes follow a request that
 * is still being answered (a broken body, garbage pipelined after it), that answer is
 * finished first, or given as the 400 when it has not begun, and then the connection ends.
 */
export function answerClientErrors(server: http.Server): void {
  const handled = new WeakSet<Duplex>();
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Node reports every later chunk on a broken connection again; the first report decides.
    if (handled.has(socket)) return;
    handled.add(socket);
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({
      ok: false,
      error: {
        code: 'E_INVALID_INPUT',
        message:
          status === 431
            ? 'The request headers are too large.'
            : status === 408
              ? 'The request took too long to arrive.'
              : 'The request is not valid HTTP.',
      },
    });
    const pending = (socket as Duplex & { _httpMessage?: http.ServerResponse | null })._httpMessage;
    if (pending && !pending.writableFinished) {
      socket.pause();
      pending.once('close', () => socket.destroy());
      if (!pending.headersSent) {
        pending.writeHead(status, {
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          'Cache-Control': 'no-store',
          Connection: 'close',
        });
        pending.end(body);
      }
      return;
    }
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
