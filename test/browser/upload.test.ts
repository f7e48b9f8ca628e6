/**
 * The finance page in a real browser: Debian's Chromium driven by playwright-core. Enter the key, upload
 * the demo file through the file input, wait for completion, download the results report.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/engine.js';
import { startApi, type ApiHarness } from '../api/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const RESULTS_HEADER =
  'row,sheet,uniqueRefNo,legalName,outcome,customerId,attempts,httpStatus,errorType,errors,warnings,requestId,changes';

let api: ApiHarness;
let context: BrowserContext | undefined;
let browser: Browser | undefined;
let profile = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-browser.sh`);
  api = await startApi();
  profile = await mkdtemp(join(tmpdir(), 'cs-chromium-'));
  // A persistent context is how a fresh user-data-dir is given to Chromium.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browser = context.browser() ?? undefined;
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await api?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('the upload page in Chromium', () => {
  it('uploads fixtures/demo/customers.csv, shows completion, and downloads results.csv', async () => {
    const page = await context!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${api.url}/`);

    await page.getByRole('textbox', { name: /API key/ }).fill(api.key);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await expect.poll(() => page.locator('#key-saved').isVisible()).toBe(true);

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
