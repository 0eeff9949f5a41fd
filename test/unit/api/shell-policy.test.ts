import { describe, expect, it } from 'vitest';
import { isAllowedExternal, isInternalNavigation, isTrustedFrameUrl } from '../../../electron/main/policy';

describe('desktop shell policy', () => {
  it('opens only https documentation links from the allow-list', () => {
    expect(isAllowedExternal('https://docs.jsonata.org/overview')).toBe(true);
    expect(
      isAllowedExternal('https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/overview'),
    ).toBe(true);
    expect(isAllowedExternal('http://docs.jsonata.org/overview')).toBe(false);
    expect(isAllowedExternal('https://docs.jsonata.org.evil.example/')).toBe(false);
    expect(isAllowedExternal('https://user:pw@docs.jsonata.org/')).toBe(false);
    expect(isAllowedExternal('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternal('not a url')).toBe(false);
  });

  it('opens the systems’ sign-in pages (and the sandbox’s on 127.0.0.1), nothing else on their hosts', () => {
    expect(isAllowedExternal('https://accounts.zoho.eu/oauth/v2/auth?response_type=code&client_id=1000.X')).toBe(true);
    expect(isAllowedExternal('https://accounts.zohocloud.ca/oauth/v2/auth?client_id=1000.X')).toBe(true);
    expect(isAllowedExternal('http://127.0.0.1:41234/oauth/v2/auth?client_id=1000.X')).toBe(true);
    expect(isAllowedExternal('https://acme.my.salesforce.com/services/oauth2/authorize?client_id=3MVG9')).toBe(true);
    expect(isAllowedExternal('https://acme--uat.sandbox.my.salesforce.com/services/oauth2/authorize')).toBe(true);
    expect(isAllowedExternal('http://127.0.0.1:41234/services/oauth2/authorize?client_id=3MVG9')).toBe(true);
    expect(isAllowedExternal('https://acme.my.salesforce.com/services/data/v65.0/')).toBe(false);
    expect(isAllowedExternal('https://my.salesforce.com.evil.example/services/oauth2/authorize')).toBe(false);
    expect(isAllowedExternal('https://accounts.zoho.eu/signin')).toBe(false);
    expect(isAllowedExternal('http://accounts.zoho.eu/oauth/v2/auth')).toBe(false);
    expect(isAllowedExternal('https://accounts.zoho.eu.evil.example/oauth/v2/auth')).toBe(false);
    expect(isAllowedExternal('http://127.0.0.1:41234/callback?code=x')).toBe(false);
    expect(isAllowedExternal('http://localhost:41234/oauth/v2/auth')).toBe(false);
  });

  it('trusts IPC only from app://studio frames', () => {
    expect(isTrustedFrameUrl('app://studio/index.html')).toBe(true);
    expect(isTrustedFrameUrl('app://other/index.html')).toBe(false);
    expect(isTrustedFrameUrl('https://evil.example/')).toBe(false);
    expect(isTrustedFrameUrl('file:///app/index.html')).toBe(false);
    expect(isTrustedFrameUrl(undefined)).toBe(false);
    expect(isInternalNavigation('https://docs.jsonata.org/')).toBe(false);
  });
});
