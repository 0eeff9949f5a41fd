import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateWithKey, pemBlocks, privateKeyOf } from '../../../electron/backend/connectors/framework/jwt';
import { selfSignedCertificate } from '../../../sandbox/kit/x509';

describe('PEM keys as people paste them', () => {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  it('reads a key whose newlines a one-line input removed, turned into spaces, or wrote as \\n', () => {
    for (const pasted of [pem, pem.replace(/\n/g, ''), pem.replace(/\n/g, ' '), pem.replace(/\n/g, '\\n')]) {
      expect(privateKeyOf(pasted, 'test').asymmetricKeyType).toBe('rsa');
    }
  });

  it('finds the certificate and its key in one flattened text, and refuses a key of another certificate', () => {
    const own = selfSignedCertificate('own', new Date());
    const other = selfSignedCertificate('other', new Date());
    const flat = (own.certificatePem + own.privateKeyPem).replace(/\n/g, '');
    expect(pemBlocks(flat).map((block) => block.label)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
    expect(certificateWithKey(flat, 'test').certificate.subject).toBe('CN=own');
    expect(() => certificateWithKey(own.certificatePem + other.privateKeyPem, 'test')).toThrow(
      /does not belong to the certificate/,
    );
  });

  it('says what is wrong without repeating the text', () => {
    const broken = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldA==\n-----END PRIVATE KEY-----';
    expect(() => privateKeyOf(broken, 'test')).toThrow(/not a readable RSA key/);
    try {
      privateKeyOf(broken, 'test');
    } catch (error) {
      expect(String(error)).not.toContain('c2VjcmV0');
    }
    expect(() => privateKeyOf(undefined, 'test')).toThrow(/missing/);
  });
});
