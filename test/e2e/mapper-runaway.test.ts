import { describe, expect, it } from 'vitest';
import { screenshotPath } from './support/browser';
import { studioInBrowser } from './support/session';
import { StudioPage } from './pages/studio.page';
import { MapperPage } from './pages/mapper.page';

/**
 * A mapper expression that never ends used to freeze the page (the preview ran on the UI
 * thread, and a step inside jsonata is never interrupted by its time box). Now the preview's
 * worker is stopped, the field shows why, and the page keeps answering.
 */
describe('the mapper preview with a runaway expression', () => {
  const session = studioInBrowser();

  it('stops the field, says so, and stays responsive', async () => {
    const { page, problems, studio } = session;
    const app = new StudioPage(page);
    const mapper = new MapperPage(page);
    await app.open(studio.url);
    await app.openSandbox(['zoho', 'infor']);
    await app.nav('mapper').click();
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'customers',
      target: 'Zoho',
      targetEntity: 'Accounts',
      name: 'Runaway',
    });

    // $distinct compares all pairs inside one jsonata step; the regex would backtrack for ages on a native engine.
    await mapper.tab('jsonata').click();
    await mapper
      .jsonata()
      .fill(
        '{\n  "Account_Name": CUNM,\n  "Description": $string($count($distinct([1..300000]))),\n  "Website": $exists($match(CUNO & "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", /(a+)+$/)) ? "bad" : "linear"\n}',
      );
    await mapper.tab('preview').click();

    await expect.poll(() => page.getByTestId('preview-panel').textContent()).toContain('The preview took too long');
    const output = await page.getByTestId('preview-output').textContent();
    expect(output).toContain('"Account_Name"');
    expect(output).toContain('"Website": "linear"');
    expect(output).not.toContain('"Description"');
    await page.screenshot({ path: screenshotPath('mapper-runaway-stopped') });

    // The page answers: the next record and another tab respond.
    await page.getByRole('button', { name: 'Next record' }).click();
    await expect.poll(() => page.getByTestId('sample-record').inputValue()).toBe('1');
    await mapper.tab('jsonata').click();
    await expect.poll(() => mapper.jsonata().isVisible()).toBe(true);

    // Fixing the text brings the field back.
    const text = await mapper.jsonata().inputValue();
    await mapper.jsonata().fill(text.replace('$string($count($distinct([1..300000])))', '"fixed"'));
    await mapper.tab('preview').click();
    await expect.poll(() => page.getByTestId('preview-output').textContent()).toContain('"Description": "fixed"');
    expect(problems).toEqual([]);
  });
});
