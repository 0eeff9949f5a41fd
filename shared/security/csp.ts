/**
 * One Content-Security-Policy for both shells (the web bridge and Electron's app://
 * protocol): scripts and styles only from the app itself, no eval, no framing.
 * React Flow positions nodes with style attributes set from script, which CSP allows.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  // The mapper's live preview evaluates in a Web Worker built into the app's own assets.
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
