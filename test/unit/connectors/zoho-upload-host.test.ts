import { describe, expect, it } from 'vitest';
import { uploadBase } from '../../../electron/backend/connectors/zoho/zoho-bulk';
import {
  zohoApiDomain,
  zohoDataCentreIds,
  zohoEnvironments,
  zohoKnownHosts,
} from '../../../shared/connectors/zoho.settings';

/**
 * Bulk Write upload hosts per data centre, written out by hand from outside sources (not computed by the
 * code under test): API-FACTS §2.1 ("Upload: content.zohoapis.{tld} (SA files.zoho.sa, CA
 * upload.zohocloud.ca)"), which Zoho's own CRM SDKs agree with (their `SADataCenter`/`CADataCenter`
 * classes' `getFileUploadUrl`). Canada and Saudi Arabia do not follow the `content.` pattern.
 */
const expectedUploadHosts = {
  us: 'content.zohoapis.com',
  eu: 'content.zohoapis.eu',
  in: 'content.zohoapis.in',
  au: 'content.zohoapis.com.au',
  jp: 'content.zohoapis.jp',
  cn: 'content.zohoapis.com.cn',
  sa: 'files.zoho.sa',
  ca: 'upload.zohocloud.ca',
} as const;

describe('Zoho Bulk Write upload host', () => {
  it('has an expected host for every data centre the settings offer', () => {
    expect([...zohoDataCentreIds].sort()).toEqual(Object.keys(expectedUploadHosts).sort());
  });

  for (const [dataCentre, host] of Object.entries(expectedUploadHosts)) {
    it(`sends ${dataCentre} uploads to ${host}, whichever environment the org is`, () => {
      for (const environment of zohoEnvironments) {
        const apiBase = zohoApiDomain(dataCentre as keyof typeof expectedUploadHosts, environment);
        expect(uploadBase(apiBase)).toBe(`https://${host}`);
      }
    });
  }

  it('allows every upload host in the connection’s fixed host list', () => {
    expect(zohoKnownHosts()).toEqual(expect.arrayContaining(Object.values(expectedUploadHosts)));
    // The old derived hosts that do not exist must not be allowed.
    expect(zohoKnownHosts()).not.toContain('content.zohoapis.ca');
    expect(zohoKnownHosts()).not.toContain('content.zohoapis.sa');
  });

  it('lets any other API base (a loopback sandbox) take the upload itself', () => {
    expect(uploadBase('http://127.0.0.1:4312')).toBe('http://127.0.0.1:4312');
    expect(uploadBase('http://127.0.0.1:4312/some/path')).toBe('http://127.0.0.1:4312');
  });
});
