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

  it('trusts IPC only from app://studio frames', () => {
    expect(isTrustedFrameUrl('app://studio/index.html')).toBe(true);
    expect(isTrustedFrameUrl('app://other/index.html')).toBe(false);
    expect(isTrustedFrameUrl('https://evil.example/')).toBe(false);
    expect(isTrustedFrameUrl('file:///app/index.html')).toBe(false);
    expect(isTrustedFrameUrl(undefined)).toBe(false);
    expect(isInternalNavigation('https://docs.jsonata.org/')).toBe(false);
  });
});
