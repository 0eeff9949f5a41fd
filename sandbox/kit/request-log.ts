import type http from 'node:http';

/**
 * What a client put on the wire, per call: method, path, headers and whether a
 * body came with it. Tests read it to prove what a connector really sent (the
 * descriptor's declared headers, a Content-Type on every write) instead of
 * trusting the connector's own account of it.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters as sent (last value of a repeated name); conformance checks paging and filters against the descriptor. */
  query: Record<string, string>;
  /** Route name, or 'unmatched'. */
  route: string;
  /** False for token endpoints, which are not API calls. */
  metered: boolean;
  /** Lower-case names; credential values are masked so the log is safe to print. */
  headers: Record<string, string>;
  hasBody: boolean;
  /**
   * Filled only while body capture is on (`control.captureBodies(true)`):
   * conformance tests validate what went each way against the vendors'
   * OpenAPI files. Off by default so a long `mlc sandbox` session keeps no payloads.
   */
  exchange?: { status: number; requestBody?: string; responseBody?: string };
}

/** Headers whose values are credentials (Authorization, Cin7's api-auth-*, cookies). */
const credential = /^(authorization|cookie|proxy-authorization)$|auth|key|secret|token/i;

/** Keeps the last `limit` calls: enough for a test's window, bounded for a long `mlc sandbox` session. */
export class RequestLog {
  private entries: RecordedRequest[] = [];

  /** See `RecordedRequest.exchange`. */
  captureBodies = false;

  constructor(private readonly limit = 2_000) {}

  /** Returns the stored entry so the server can add the exchange once the route answered. */
  record(request: http.IncomingMessage, path: string, route: string, metered: boolean): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      headers[name] = credential.test(name) ? '***' : Array.isArray(value) ? value.join(', ') : value;
    }
    const length = Number(request.headers['content-length'] ?? 0);
    const hasBody = length > 0 || request.headers['transfer-encoding'] !== undefined;
    const query = Object.fromEntries(new URL(request.url ?? '/', 'http://sandbox').searchParams);
    const entry: RecordedRequest = {
      method: (request.method ?? 'GET').toUpperCase(),
      path,
      query,
      route,
      metered,
      headers,
      hasBody,
    };
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return entry;
  }

  list(): RecordedRequest[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}
