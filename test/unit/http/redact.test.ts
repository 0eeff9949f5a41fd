import { describe, expect, it } from 'vitest';
import { redact, registerSecret } from '../../../electron/backend/util/redact';

describe('redact keeps words after "token:" and still removes tokens', () => {
  it('leaves error codes and words after a prose "token:"', () => {
    expect(redact('Could not refresh token: ENOTFOUND mingle-sso.example.com')).toBe(
      'Could not refresh token: ENOTFOUND mingle-sso.example.com',
    );
    expect(redact('Could not obtain an access token: getaddrinfo ENOTFOUND x')).toBe(
      'Could not obtain an access token: getaddrinfo ENOTFOUND x',
    );
    expect(redact('refresh token: E_NET_DNS.')).toBe('refresh token: E_NET_DNS.');
    expect(redact('token: invalid_grant')).toBe('token: invalid_grant');
  });

  it('removes real tokens after token:, token=, access_token=, Bearer and in JSON', () => {
    const opaque = 'a8F3kQ9zLmN2pR7sT4vW';
    expect(redact(`refresh token: ${opaque} expired`)).toBe('refresh token: [redacted] expired');
    expect(redact(`token=${opaque}&token_type_hint=refresh_token`)).toBe(
      'token=[redacted]&token_type_hint=refresh_token',
    );
    expect(redact('token: 1000.3f9c2b7e.9a1d4c8b')).toBe('token: [redacted]');
    expect(redact(`?access_token=${opaque}`)).toBe('?access_token=[redacted]');
    expect(redact('{"refresh_token":"x1"}')).toBe('{"refresh_token":"[redacted]"}');
    expect(redact(`Authorization: Bearer ${opaque}`)).not.toContain(opaque);
    expect(redact(`sent Bearer ${opaque}`)).toBe('sent Bearer [redacted]');
    // A long run of letters is token-shaped even in one case.
    expect(redact('token: abcdefghijklmnopqrstuvwxyzabcdef')).toBe('token: [redacted]');
    expect(redact('"token": "MixedCaseOpaque"')).toBe('"token": "[redacted]"');
  });

  it('keys that only hold secrets lose even plain words', () => {
    expect(redact('password=hunter')).toBe('password=[redacted]');
    expect(redact('client_secret: ENOTFOUND')).toBe('client_secret: [redacted]');
    expect(redact('access_token: expired')).toBe('access_token: [redacted]');
  });

  it('masks a registered secret wherever it appears, even as a plain word', () => {
    registerSecret('plainsecretword');
    expect(redact('token: plainsecretword')).toBe('token: [redacted]');
  });
});
