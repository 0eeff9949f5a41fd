import fs from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { contentSecurityPolicy } from '../../shared/security/csp';
import { rendererDir } from './paths';

/** Must run before `app.ready`: app:// behaves like https (secure, standard origin). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Serves the built renderer from app://studio/, never file://, with the strict CSP. */
export function serveRenderer(): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const root = path.resolve(rendererDir);
    let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
    if (url.host !== 'studio' || (!file.startsWith(root + path.sep) && file !== root)) {
      return new Response('Not found', { status: 404 });
    }
    if (url.pathname === '/' || !path.extname(file)) file = path.join(root, 'index.html');
    try {
      const body = await fs.readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': contentSecurityPolicy,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
