import { HttpConnection, type HttpConnectionOptions } from './http-client';

/**
 * One `HttpConnection` per connection id for the whole backend, so every
 * connector instance, test call and sync of a connection shares its rate
 * limiter, breaker and call counts.
 */
export class HttpRegistry {
  private readonly connections = new Map<string, HttpConnection>();

  obtain(options: HttpConnectionOptions): HttpConnection {
    const existing = this.connections.get(options.connectionId);
    if (existing) return existing;
    const created = new HttpConnection(options);
    this.connections.set(options.connectionId, created);
    return created;
  }

  get(connectionId: string): HttpConnection | undefined {
    return this.connections.get(connectionId);
  }

  /** Settings changed or the connection was removed: the next use builds a new one. */
  async drop(connectionId: string): Promise<void> {
    const existing = this.connections.get(connectionId);
    this.connections.delete(connectionId);
    await existing?.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((connection) => connection.close()));
  }
}
