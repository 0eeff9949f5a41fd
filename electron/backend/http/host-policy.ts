import { AppError } from '../../../shared/errors';

export interface HostPolicyOptions {
  /** Exact hosts as `URL.host` prints them (`name[:port]`, default ports dropped). */
  hosts: string[];
  /** Wildcards like `*.zendesk.com`; `*` stands for one or more labels. */
  patterns?: string[];
  /** Sandbox connections may use plain http, and only to loopback hosts. */
  sandbox: boolean;
}

const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return loopbackNames.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The host part of a URL the way the policy compares it, or undefined for something that is not a URL. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Decides whether a URL may be called on behalf of one connection: the allowed
 * hosts only, https only, plain http only for loopback hosts of a sandbox
 * connection. Checked before every request, so credentials cannot go elsewhere.
 */
export class HostPolicy {
  private readonly hosts: Set<string>;
  private readonly patterns: RegExp[];

  constructor(private readonly options: HostPolicyOptions) {
    this.hosts = new Set(options.hosts.map((host) => host.toLowerCase()));
    this.patterns = (options.patterns ?? []).map(
      (pattern) =>
        new RegExp('^' + pattern.toLowerCase().split('*').map(escapeRegExp).join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*') + '$'),
    );
  }

  get allowedHosts(): string[] {
    return [...this.hosts];
  }

  check(url: URL): void {
    const host = url.host.toLowerCase();
    if (url.protocol === 'http:') {
      if (!this.options.sandbox || !isLoopbackHost(url.hostname)) {
        throw new AppError(
          'E_HTTP_INSECURE',
          `Refused plain http to ${host}: connections use https (http is allowed only for sandbox connections on this machine).`,
        );
      }
    } else if (url.protocol !== 'https:') {
      throw new AppError('E_HTTP_INSECURE', `Refused the ${url.protocol} scheme for ${host}; only https is used.`);
    }
    if (this.hosts.has(host)) return;
    if (
      this.patterns.some(
        (pattern) => pattern.test(url.hostname.toLowerCase()) && (url.port === '' || url.port === '443'),
      )
    )
      return;
    throw new AppError(
      'E_HTTP_HOST_NOT_ALLOWED',
      `Refused a call to ${host}: this connection may only call ${[...this.hosts].join(', ') || 'its configured hosts'}.`,
      { host, allowed: [...this.hosts] },
    );
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
