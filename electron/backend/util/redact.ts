/**
 * Last line of defence against secrets in logs and error messages. Connectors
 * never put secrets into messages on purpose; this catches the accidents
 * (an upstream error echoing a header, a URL with a token in its query).
 */
const patterns: Array<[RegExp, string]> = [
  [/(authorization\s*[:=]\s*)(bearer|basic|zoho-oauthtoken)?\s*[^\s,;"']+/gi, '$1$2 [redacted]'],
  [/\b(bearer|zoho-oauthtoken)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  // Keys that only ever hold a secret: whatever follows goes, however short (a password may be "hunter2").
  [
    /(["']?(?:access_token|refresh_token|id_token|client_secret|code_verifier|client_assertion|assertion|password|sask|saak|cs|api[-_]?key|applicationkey|api-auth-applicationkey)["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
    '$1[redacted]',
  ],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
];

/**
 * A bare `token:` / `token=` is also how prose reads ("refresh token: ENOTFOUND"),
 * so its value goes unless it is a plain word. Tokens are opaque strings with
 * digits, mixed case or punctuation (hex, base64, JWTs, `1000.abc.def`); error
 * codes and words are letters in one case, joined by `_` or `-`, and short.
 */
const bareToken = /(["']?token["']?\s*[:=]\s*["']?)([^"'&\s,}]+)/gi;
const plainWord = /^(?:[A-Z]+(?:[_-][A-Z]+)*|[a-z]+(?:[_-][a-z]+)*)$/;
const trailingPunctuation = /[.;:!?)\]]+$/;

function isPlainWord(value: string): boolean {
  const word = value.replace(trailingPunctuation, '');
  return word.length > 0 && word.length <= 24 && plainWord.test(word);
}

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
  out = out.replace(bareToken, (match: string, prefix: string, value: string) =>
    isPlainWord(value) ? match : `${prefix}[redacted]`,
  );
  return out;
}
