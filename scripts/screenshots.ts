/**
 * The README's pictures of the review desk, taken from the real page: an API with its sandbox, Redis
 * under a random prefix and local workers (the browser test's harness), driven in Debian's Chromium.
 * `npm run screenshots` writes docs/desk-*.png. Needs Redis at REDIS_URL's default and /usr/bin/chromium.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../test/helpers/engine.js';
import { startApi } from '../test/api/helpers.js';
import { launchChromium, signedIn } from '../test/browser/chromium.js';
import { choose, doubtfulCsv, finished, updateCsv } from '../test/browser/desk-helpers.js';

const out = (name: string) => join(REPO_ROOT, 'docs', name);

async function main() {
  const api = await startApi();
  const chromium = await launchChromium();
  try {
    const { page } = await signedIn(chromium.context, api.url, api.key);
    // The review screen of a held file, its code column corrected and the counts in.
    await choose(page, 'branch-debtors.csv', doubtfulCsv('OD'), true);
    await page.locator('#review').waitFor();
    await page
      .getByRole('combobox', { name: 'EnKash field for column B "Ref OD1"' })
      .selectOption('uniqueRefNo');
    await page.locator('#review-status', { hasText: 'Plan updated' }).waitFor();
    await page.locator('#review-expected', { hasText: 'would be added' }).waitFor({ timeout: 30_000 });
    await page.locator('#review').screenshot({ path: out('desk-review.png') });

    await page.getByRole('button', { name: 'Approve and write' }).click();
    await finished(page, 'branch-debtors.csv');
    await choose(page, 'mobile-updates.csv', updateCsv('OD'), false);
    await finished(page, 'mobile-updates.csv');
    await page.locator('#imports tr', { hasText: 'mobile-updates.csv' }).waitFor();

    // The history with one import's detail open (an update: before → after).
    await page
      .locator('#imports tr', { hasText: 'mobile-updates.csv' })
      .getByRole('button', { name: /^Details/ })
      .click();
    await page.locator('#detail-body dl').waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: out('desk-history-detail.png') });
    await page.keyboard.press('Escape');

    // The rows-to-fix grid, in the detail of the import with an invalid row.
    await page
      .locator('#imports tr', { hasText: 'branch-debtors.csv' })
      .getByRole('button', { name: /^Details/ })
      .click();
    const grid = page.locator('#fix-grid');
    if (
      await grid.waitFor({ timeout: 5_000 }).then(
        () => true,
        () => false,
      )
    ) {
      await page.waitForLoadState('networkidle');
      await grid.screenshot({ path: out('desk-fix-grid.png') });
    } else console.warn('no rows-to-fix grid (src/web/fix-grid.js): docs/desk-fix-grid.png not taken');
    await page.keyboard.press('Escape');

    // A phone: 390 px wide, the history as cards.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(`document.getElementById('history-title').scrollIntoView()`);
    await page.screenshot({ path: out('desk-390.png') });
    console.log('docs/desk-review.png, desk-history-detail.png, desk-fix-grid.png, desk-390.png written');
  } finally {
    await chromium.close();
    await api.close();
  }
}

await main();
