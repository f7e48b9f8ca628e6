/**
 * The finance page in a real browser: Debian's Chromium driven by playwright-core. Enter the key, upload
 * the demo file through the file input, wait for completion, download the results report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/engine.js';
import { startApi, type ApiHarness } from '../api/helpers.js';
import { launchChromium, signedIn, type Chromium } from './chromium.js';

const RESULTS_HEADER =
  'row,sheet,uniqueRefNo,legalName,outcome,customerId,attempts,httpStatus,errorType,errors,warnings,requestId,changes';

let api: ApiHarness;
let chromium: Chromium | undefined;

beforeAll(async () => {
  api = await startApi();
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await api?.close();
});

describe('the upload page in Chromium', () => {
  it('uploads fixtures/demo/customers.csv, shows completion, and downloads results.csv', async () => {
    const { page, problems } = await signedIn(chromium!.context, api.url, api.key);
    // Straight through: no review before applying.
    await page.getByRole('checkbox', { name: /Review before applying/ }).uncheck();

    await page.locator('#file').setInputFiles(join(REPO_ROOT, 'fixtures/demo/customers.csv'));
    await expect.poll(() => page.locator('#file-chosen').textContent()).toContain('customers.csv');
    await page.getByRole('button', { name: 'Start import' }).click();

    await page.locator('#current-state', { hasText: 'Finished' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#current-rows').textContent()).toBe('12 of 12 rows done');
    expect(await page.locator('#current-rate').textContent()).toMatch(
      /^EnKash rate \d+\/s \(ceiling 200\/s\) — /,
    );
    expect(await page.locator('#current-counts').textContent()).toContain('12 added');
    await page.locator('#imports tr', { hasText: 'customers.csv' }).waitFor();
    await page.screenshot({ path: '/tmp/customer-sync-upload-page.png', fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#current-downloads').getByRole('link', { name: 'Results (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^imp-[a-z0-9-]+-results\.csv$/);
    const saved = await download.path();
    const text = (await readFile(saved, 'utf8')).replace(/^\uFEFF/, '');
    expect(text.split(/\r?\n/)[0]).toBe(RESULTS_HEADER);
    expect(problems).toEqual([]);
  });
});
