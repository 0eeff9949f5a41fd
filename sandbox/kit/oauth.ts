import { createHash, createPublicKey, timingSafeEqual, verify, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * OAuth pieces the simulators' accounts servers share: PKCE (RFC 7636),
 * loopback redirect matching (RFC 8252) and RS256 JWT checks (RFC 7515/7519/7523).
 */

/** RFC 7636 §4.2: `code_challenge = BASE64URL(SHA256(ASCII(code_verifier)))`. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 §4.1: 43-128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`. */
const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;
/** The challenge of an S256 verifier is 43 base64url characters (RFC 7636 §4.2). */
export const s256ChallengePattern = /^[A-Za-z0-9\-_]{43}$/;

/** True when `verifier` is well-formed and hashes to `challenge` (RFC 7636 §4.6), compared in constant time. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(verifierPattern.test(verifier) ? s256(verifier) : '');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Whether `candidate` is one of the `registered` redirect URIs. A registered
 * `http://127.0.0.1/...` matches on any port: "The authorization server MUST
 * allow any port to be specified at the time of the request for loopback IP
 * redirect URIs" (RFC 8252 §7.3). Everything else matches exactly; `localhost`
 * is not the loopback IP (RFC 8252 §8.3 says not to use it).
 */
export function redirectRegistered(candidate: string, registered: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.hash || url.username || url.password) return false;
  return registered.some((entry) => {
    const known = new URL(entry);
    if (known.protocol === 'http:' && known.hostname === '127.0.0.1')
      return url.protocol === 'http:' && url.hostname === '127.0.0.1' && !url.search && url.pathname === known.pathname;
    return url.href === known.href;
  });
}

/** A public key from a PEM certificate or public key (what an app registration holds). */
export function publicKeyOf(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

export interface VerifiedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/**
 * Parses a compact JWS and checks its RS256 signature against `key` (RFC 7515
 * §5.2, RFC 7518 §3.3). Undefined when malformed, not RS256, or not signed by
 * that key; claims are the caller's to check.
 */
export function verifyRs256(token: string, key: KeyObject): VerifiedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header.alg !== 'RS256' || typeof claims !== 'object' || claims === null) return undefined;
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      key,
      Buffer.from(parts[2]!, 'base64url'),
    );
    return signed ? { header, claims } : undefined;
  } catch {
    return undefined;
  }
}

/** Only the header of a compact JWS, unverified (to find which key it names). */
export function jwtHeader(token: string): Record<string, unknown> | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown;
    return header && typeof header === 'object' ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
