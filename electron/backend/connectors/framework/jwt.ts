import { createPrivateKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { AppError } from '../../../../shared/errors';

/**
 * Signed JWTs for the sign-ins that prove a key instead of sending a secret:
 * Salesforce's JWT bearer flow (RFC 7523 §2.1) and Entra ID certificate
 * credentials (RFC 7523 §2.2). Keys come from the vault as PEM text; their
 * text never goes into a message.
 */

/**
 * Every PEM block of a text, rewrapped. A form input is one line, so newlines
 * may have become spaces (and env variables may carry `\n` literally); the
 * base64 body is put back between its header and footer.
 */
export function pemBlocks(text: string): Array<{ label: string; pem: string }> {
  const source = text.replace(/\\n/g, '\n');
  const blocks: Array<{ label: string; pem: string }> = [];
  for (const match of source.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    const body = match[2]!.replace(/\s+/g, '');
    const wrapped = body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
    blocks.push({ label: match[1]!, pem: `-----BEGIN ${match[1]}-----\n${wrapped}\n-----END ${match[1]}-----\n` });
  }
  return blocks;
}

/** The RSA private key in a PEM text (PKCS#8 or PKCS#1), checked once. */
export function privateKeyOf(pem: string | undefined, what: string): KeyObject {
  if (!pem) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      `${what}: the private key is missing; paste the PEM key of the certificate uploaded to the app.`,
    );
  }
  const block = pemBlocks(pem).find((candidate) => /PRIVATE KEY$/.test(candidate.label));
  try {
    if (!block) throw new Error('no key block');
    const key = createPrivateKey(block.pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return key;
  } catch {
    throw new AppError(
      'E_AUTH_FAILED',
      `${what}: the private key is not a readable RSA key in PEM form (-----BEGIN PRIVATE KEY----- …); paste it again.`,
    );
  }
}

/** The certificate in a PEM text, with the private key that belongs to it. */
export function certificateWithKey(
  pem: string | undefined,
  what: string,
): { certificate: X509Certificate; key: KeyObject } {
  if (!pem) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      `${what}: the certificate is missing; paste the PEM with the certificate and its private key.`,
    );
  }
  const block = pemBlocks(pem).find((candidate) => candidate.label === 'CERTIFICATE');
  let certificate: X509Certificate;
  try {
    if (!block) throw new Error('no certificate block');
    certificate = new X509Certificate(block.pem);
  } catch {
    throw new AppError(
      'E_AUTH_FAILED',
      `${what}: no readable certificate (-----BEGIN CERTIFICATE----- …) in the PEM; paste the certificate and its private key together.`,
    );
  }
  const key = privateKeyOf(pem, what);
  if (!certificate.checkPrivateKey(key)) {
    throw new AppError('E_AUTH_FAILED', `${what}: the private key does not belong to the certificate in the same PEM.`);
  }
  return { certificate, key };
}

/** A compact RS256 JWS (RFC 7515 §7.1) signed with node:crypto. */
export function signRs256(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ ...header, alg: 'RS256' })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
