import type http from 'node:http';

/**
 * A tiny router: `METHOD /literal/:param/*rest` patterns. Simulators register named routes so
 * call counters read like the real API ("M3 v2 execute"), not like raw URLs.
 */

export type RouteHandler = (context: SandboxContext) => Promise<void> | void;

export interface RouteDefinition {
  method: string | string[];
  /** `/:tenant/M3/m3api-rest/v2/execute/:program/:transaction`; a last segment `*name` takes the rest. */
  pattern: string;
  /** Counter name; defaults to "METHOD pattern". */
  name?: string;
  /** Counted against the quota (false for token endpoints, which live on another host in reality). */
  metered?: boolean;
  handler: RouteHandler;
}

export interface SandboxRequestBody {
  raw: Buffer;
  text: string;
  json<T = unknown>(): T;
  form(): URLSearchParams;
}

export interface SandboxContext {
  readonly request: http.IncomingMessage;
  readonly response: http.ServerResponse;
  readonly method: string;
  /** Decoded path, without the query string. */
  readonly path: string;
  readonly rawPath: string;
  readonly query: URLSearchParams;
  params: Record<string, string>;
  header(name: string): string | undefined;
  /** Reads the body once, refusing more than the limit (413). */
  body(): Promise<SandboxRequestBody>;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  text(status: number, body: string, contentType?: string, headers?: Record<string, string>): void;
  empty(status: number, headers?: Record<string, string>): void;
  readonly sent: boolean;
  /** Route name once matched. */
  routeName: string;
}

interface CompiledRoute {
  definition: RouteDefinition;
  methods: Set<string>;
  segments: string[];
  name: string;
  metered: boolean;
}

export interface RouteMatch {
  route: RouteDefinition;
  name: string;
  metered: boolean;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(definition: RouteDefinition): this {
    const methods = new Set(
      (Array.isArray(definition.method) ? definition.method : [definition.method]).map((method) =>
        method.toUpperCase(),
      ),
    );
    this.routes.push({
      definition,
      methods,
      segments: definition.pattern.split('/').filter(Boolean),
      name: definition.name ?? `${[...methods].join('|')} ${definition.pattern}`,
      metered: definition.metered ?? true,
    });
    return this;
  }

  /** `allowed` lists the methods of routes whose path matched, for a 405. */
  match(method: string, path: string): RouteMatch | { allowed: string[] } {
    const parts = path.split('/').filter(Boolean);
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (!route.methods.has(method.toUpperCase())) {
        route.methods.forEach((name) => allowed.add(name));
        continue;
      }
      return { route: route.definition, name: route.name, metered: route.metered, params };
    }
    return { allowed: [...allowed] };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index += 1) {
    const segment = pattern[index] as string;
    if (segment.startsWith('*')) {
      params[segment.slice(1)] = parts.slice(index).join('/');
      return params;
    }
    const part = parts[index];
    if (part === undefined) return null;
    if (segment.startsWith(':')) params[segment.slice(1)] = part;
    else if (segment !== part) return null;
  }
  return parts.length === pattern.length ? params : null;
}
