import type { Page } from 'playwright-core';

/**
 * Drops a file on the window the way a file manager does: dragenter, dragover, then
 * (after `whileDragging`, e.g. a screenshot of the overlay) drop.
 */
export async function dropFile(
  page: Page,
  name: string,
  content: string,
  whileDragging?: () => Promise<void>,
): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, content }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], name, { type: 'application/json' }));
      return transfer;
    },
    { name, content },
  );
  await page.dispatchEvent('main', 'dragenter', { dataTransfer });
  await page.dispatchEvent('main', 'dragover', { dataTransfer });
  await whileDragging?.();
  await page.dispatchEvent('main', 'drop', { dataTransfer });
}
