/**
 * Last line of defence against secrets in logs and error messages. Connectors
 * never put secrets into messages on purpose; this catches the accidents
 * (an upstream error echoing a header, a URL with a token in its query).
 */
const patterns: Array<[RegExp, string]> = [
  [/(authorization\s*[:=]\s*)(bearer|basic|zoho-oauthtoken)?\s*[^\s,;"']+/gi, '$1$2 [redacted]'],
  [/\b(bearer|zoho-oauthtoken)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [
    /(["']?(?:access_token|refresh_token|id_token|client_secret|password|sask|saak|cs|token|api[-_]?key|applicationkey|api-auth-applicationkey)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
    '$1[redacted]',
  ],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
];

const known = new Set<string>();

/** Register a secret value so any later occurrence in text is masked, whatever its context. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) known.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}
