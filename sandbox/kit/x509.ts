import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';

/**
 * A self-signed X.509 certificate made with node:crypto alone, for simulators
 * whose app registrations hold a certificate (Entra ID certificate credentials).
 * Node can parse certificates but not issue them, so the DER is written here:
 * RFC 5280 §4.1 (TBSCertificate v3 without extensions), signed sha256WithRSA.
 */

const length = (size: number): Buffer => {
  if (size < 0x80) return Buffer.from([size]);
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, content: Buffer): Buffer =>
  Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const integer = (value: Buffer) => tlv(0x02, value[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value);
/** sha256WithRSAEncryption (1.2.840.113549.1.1.11) with NULL parameters. */
const sha256WithRsa = sequence(Buffer.from('06092a864886f70d01010b', 'hex'), Buffer.from('0500', 'hex'));
/** A Name with one commonName (2.5.4.3) in UTF8String. */
const commonName = (name: string) =>
  sequence(tlv(0x31, sequence(Buffer.from('0603550403', 'hex'), tlv(0x0c, Buffer.from(name, 'utf8')))));
/** UTCTime `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1: dates through 2049). */
const utcTime = (at: Date) => tlv(0x17, Buffer.from(at.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z'));

export interface SelfSignedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  certificate: X509Certificate;
}

export function selfSignedCertificate(subject: string, notBefore: Date, days = 365): SelfSignedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serial = Buffer.from(Array.from({ length: 16 }, (_, index) => (index * 37 + subject.length) & 0x7f));
  serial[0] = 0x01;
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    sha256WithRsa,
    commonName(subject),
    sequence(utcTime(notBefore), utcTime(new Date(notBefore.getTime() + days * 86_400_000))),
    commonName(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
  return {
    certificatePem,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificate: new X509Certificate(certificatePem),
  };
}
