/**
 * The review desk in Debian's Chromium (playwright-core), at desktop width and at 390 px: a file with a
 * doubtful column is held → the review screen → the mapping changed → approved → its results; the
 * invalid cell fixed in the grid → the follow-up import creates it; an update reverted from the history
 * → the sandbox is back to its earlier state; a cancel mid-import → EnKash sees no request from 2 s
 * after the cancel was accepted, then the import resumed from the history; the history's filters. At
 * every screen nothing is wider than the viewport.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { startApi, type ApiHarness, type ImportViewJson } from '../api/helpers.js';
import { launchChromium, signedIn, type Chromium } from './chromium.js';
import {
  choose,
  doubtfulCsv,
  finished,
  overflow,
  sandboxCustomers,
  sandboxRequests,
  updateCsv,
} from './desk-helpers.js';

let api: ApiHarness;
let chromium: Chromium;

beforeAll(async () => {
  // The default concurrency: the cancel's must-hold holds for the rows already in a worker's hands too
  // (they stop before sending once the cancel is seen: src/sync/cancel-watch.ts).
  [api, chromium] = await Promise.all([startApi(), launchChromium()]);
});

afterAll(async () => {
  await chromium?.close();
  await api?.close();
});

const VIEWPORTS = [
  { name: 'desktop', tag: 'DK', viewport: { width: 1280, height: 800 } },
  { name: '390 px', tag: 'PH', viewport: { width: 390, height: 844 } },
] as const;

const GRID = existsSync(join(REPO_ROOT, 'src/web/fix-grid.js'));

async function fits(page: Page, where: string) {
  const seen = await overflow(page);
  expect(seen.wide, where).toEqual([]);
  expect(seen.scrollWidth, where).toBeLessThanOrEqual(seen.clientWidth);
}

/** The import of that file, from the API (the newest of that name). */
async function importOf(fileName: string): Promise<ImportViewJson> {
  const { imports } = (await (await api.call('/imports?limit=100')).json()) as { imports: ImportViewJson[] };
  const found = imports.find((v) => v.fileName === fileName);
  if (!found) throw new Error(`no import of ${fileName}`);
  return found;
}

const historyRow = (page: Page, text: string) => page.locator('#imports tr', { hasText: text }).first();

describe.each(VIEWPORTS)('the review desk at $name', ({ tag, viewport }) => {
  let page: Page;
  let problems: string[];
  const file = `branches-${tag}.csv`;

  beforeAll(async () => {
    ({ page, problems } = await signedIn(chromium.context, api.url, api.key, viewport));
  });

  it('doubtful column → review screen → mapping changed → approve → results', async () => {
    await choose(page, file, doubtfulCsv(tag), true);
    const review = page.locator('#review');
    await review.waitFor();
    await expect.poll(() => page.locator('#review-doubts').textContent()).not.toBe('');
    await fits(page, 'review screen');

    const refA = page.getByRole('combobox', { name: `EnKash field for column B "Ref ${tag}1"` });
    await refA.selectOption('uniqueRefNo');
    await page.locator('#review-status', { hasText: 'Plan updated' }).waitFor();
    // By keyboard: Ref 2 → the last field, then back to "not used" (the first option); each change
    // re-plans at once and the focus stays on the dropdown.
    const refB = `EnKash field for column C "Ref ${tag}2"`;
    await page.getByRole('combobox', { name: refB }).focus();
    await page.keyboard.press('End');
    await page.locator('#review-status', { hasText: `"Ref ${tag}2" now feeds contact9.email` }).waitFor();
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe(refB);
    await page.keyboard.press('Home');
    await page.locator('#review-status', { hasText: `"Ref ${tag}2" now feeds nothing` }).waitFor();
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe(refB);
    expect(await refA.inputValue()).toBe('uniqueRefNo');
    expect(await page.locator('#review-columns tr', { hasText: `Ref ${tag}1` }).textContent()).toContain(
      'mapping',
    );
    // The expected counts of the new reading, from the dry run beside the hold.
    await page.locator('#review-expected', { hasText: '3 would be added' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#review-expected').textContent()).toContain('1 need fixing');
    await fits(page, 'review screen, remapped');

    await page.getByRole('button', { name: 'Approve and write' }).click();
    await finished(page, file);
    expect(await page.locator('#review').isHidden()).toBe(true);
    expect(await page.locator('#current-counts').textContent()).toContain('3 added');
    const codes = (await sandboxCustomers(api.h.sandbox.url)).map((c) => c.uniqueRefNo);
    expect(codes).toEqual(expect.arrayContaining([`${tag}-11`, `${tag}-12`, `${tag}-13`]));
    expect(codes).not.toContain(`${tag}-14`);
    await historyRow(page, file).waitFor();
    await fits(page, 'results');
  });

  it.runIf(GRID)('the invalid cell fixed in the grid → the follow-up import creates it', async () => {
    await historyRow(page, file)
      .getByRole('button', { name: /^Details of/ })
      .click();
    const grid = page.locator('#fix-grid');
    await grid.waitFor();
    await fits(page, 'detail with the rows-to-fix grid');
    // Row 5's mobile is too short: fixed in its cell, checked by the server, sent as a follow-up import.
    const mobile = grid.getByRole('textbox', { name: 'Mobile, row 5' });
    await mobile.waitFor();
    expect(await mobile.getAttribute('aria-invalid')).toBe('true');
    await mobile.fill('9437012304');
    await grid.getByRole('button', { name: 'Check row 5' }).click();
    await grid.locator('.fix-note', { hasText: 'Valid: ready to send' }).waitFor();
    await grid.getByRole('button', { name: 'Send fixed rows as a follow-up import' }).click();
    // The follow-up import is in the history, marked as just made.
    await page.locator('#imports tr.fresh').waitFor();
    await expect
      .poll(async () => (await sandboxCustomers(api.h.sandbox.url)).map((c) => c.uniqueRefNo), {
        timeout: 30_000,
      })
      .toContain(`${tag}-14`);
    await page.keyboard.press('Escape');
    await page.locator('#detail').waitFor({ state: 'hidden' });
  });

  it('an update reverted from the history → the sandbox is back to its earlier state', async () => {
    const mobile = async () =>
      (await sandboxCustomers(api.h.sandbox.url)).find((c) => c.uniqueRefNo === `${tag}-11`);
    const before = await mobile();
    expect(before?.contactNumber ?? before?.customerKeyContacts).toBeTruthy();
    const updates = `update-${tag}.csv`;
    await choose(page, updates, updateCsv(tag), false);
    await finished(page, updates);
    expect(await page.locator('#current-counts').textContent()).toContain('1 updated');
    expect(await mobile()).not.toEqual(before);

    // The detail: for an update, each field's before → after (when the rows endpoint is there).
    const row = historyRow(page, updates);
    await row.getByRole('button', { name: /^Details of/ }).click();
    await page.locator('#detail-body dl').waitFor();
    const updateId = (await importOf(updates)).id;
    // Each field's before → after, from GET /imports/{id}/rows?outcome=updated.
    const changes = page.locator('#detail-body table.changes');
    await changes.waitFor();
    expect(await changes.textContent()).toContain('9437099999');
    await fits(page, 'detail of an update');
    await page.keyboard.press('Escape');
    await page.locator('#detail').waitFor({ state: 'hidden' });
    // Escape gives the focus back to the button that opened the detail.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Details');

    await row.getByRole('button', { name: /^Revert/ }).click();
    const now = page.getByRole('button', { name: 'Revert now' });
    await expect.poll(() => now.isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('#revert-preview').textContent()).toContain('would be updated');
    await fits(page, 'revert dialog');
    await now.click();
    await page.locator('#imports tr.fresh', { hasText: 'Revert of' }).waitFor();
    const mobiles = (c?: {
      contactNumber?: string | null;
      customerKeyContacts?: { mobile?: string | null }[] | null;
    }) => [c?.contactNumber, ...(c?.customerKeyContacts ?? []).map((k) => k.mobile)];
    await expect.poll(async () => mobiles(await mobile()), { timeout: 30_000 }).toEqual(mobiles(before));
    const { imports } = (await (await api.call('/imports?limit=100')).json()) as {
      imports: (ImportViewJson & { kind: string; options: { revertOf?: string } })[];
    };
    const revert = imports.find(
      (v) => v.kind === 'revert' && v.options.revertOf === updateId && !v.options.dryRun,
    );
    expect(revert).toBeDefined();
    expect((await api.waitDone(revert?.id ?? '')).state).toBe('done');
    expect(problems).toEqual([]);
  });
});

describe('cancel from the page', () => {
  it('mid-import: cancelling at once, EnKash sees no request from 2 s after the cancel was accepted; resume; filters', async () => {
    const { page, problems } = await signedIn(chromium.context, api.url, api.key);
    // A slow EnKash keeps most of the rows still to send when the cancel comes.
    api.h.sandbox.setFaults({ latencyMs: 250 });
    try {
      const ROWS = 300;
      await choose(page, 'many.csv', syntheticCsv(ROWS, 13), false);
      await expect
        .poll(async () => (await importOf('many.csv')).progress.done, { timeout: 60_000 })
        .toBeGreaterThanOrEqual(2);
      const accepted = page.waitForResponse(
        (r) => r.request().method() === 'DELETE' && r.url().includes('/imports/'),
      );
      await page.getByRole('button', { name: 'Cancel this import' }).click();
      expect((await accepted).status()).toBe(202);
      const cancelAcceptedAt = Date.now();
      // The page says so at once, before the rows in flight have finished.
      await page
        .locator('#imports tr', { hasText: 'many.csv' })
        .locator('.state-cancelling, .state-cancelled')
        .waitFor();

      // The must-hold: nothing sent from cancel-accepted + 2 s on. Read the sandbox's count then,
      // and again once the import has ended: no request arrived in between.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, cancelAcceptedAt + 2000 - Date.now())));
      const at2s = await sandboxRequests(api.h.sandbox.url);
      await page.locator('#current-state', { hasText: 'Cancelled' }).waitFor({ timeout: 30_000 });
      expect(await sandboxRequests(api.h.sandbox.url)).toBe(at2s);
      const view = await importOf('many.csv');
      expect(view.state).toBe('cancelled');
      const skipped = view.counts.skipped ?? 0;
      expect(skipped).toBeGreaterThan(ROWS / 2);

      // Resume: the rows the cancel left unsent, as a new import marked in the history.
      api.h.sandbox.setFaults({ latencyMs: 0 });
      await historyRow(page, 'many.csv')
        .getByRole('button', { name: /^Resume/ })
        .click();
      const resumed = page.locator('#imports tr.fresh', { hasText: 'Resume of' });
      await resumed.waitFor();
      const { imports } = (await (await api.call('/imports?limit=100')).json()) as {
        imports: (ImportViewJson & { options: { resumeOf?: string } })[];
      };
      const resume = imports.find((v) => v.options.resumeOf === view.id);
      expect((await api.waitDone(resume?.id ?? '', 60_000)).counts.created).toBe(skipped);

      // The history's filters: a file name, then a state.
      await page.getByRole('searchbox', { name: 'File name' }).fill('many');
      const files = () => page.locator('#imports th.file').allTextContents();
      await expect.poll(files).toHaveLength(2);
      expect((await files()).every((f) => f.startsWith('many.csv'))).toBe(true);
      await page.getByRole('combobox', { name: 'State' }).selectOption('cancelled');
      await expect.poll(files).toHaveLength(1);
      expect(problems).toEqual([]);
    } finally {
      api.h.sandbox.setFaults({ latencyMs: 0 });
    }
  });
});
