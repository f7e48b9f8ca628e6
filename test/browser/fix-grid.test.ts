/**
 * The rows-to-fix grid (src/web/fix-grid.js) in Debian's Chromium, driven by playwright-core, on the
 * page the API serves: mounted through a dynamic import of /fix-grid.js (self-contained: the page shell
 * may or may not mount it itself). The bad cell is highlighted with its reason (aria-describedby); a
 * still-bad edit is answered by the server's check; the fixed row checks out and is sent; the follow-up
 * import creates the customer in the sandbox. At 390 px the grid scrolls inside its box and nothing else
 * spills; no CSP violation, no page error.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startApi, type ApiHarness, type ImportViewJson } from '../api/helpers.js';
import { launchChromium, type Chromium } from './chromium.js';

const KEY = randomBytes(16).toString('hex');
const FILE = [
  'Customer Code,Legal Name,Contact Person,Mobile',
  'P-1,Pennar Textiles,Lata Menon,9876513001',
  'P-2,Palar Agencies,Suresh Pillai,12345',
].join('\r\n');

let api: ApiHarness;
let chromium: Chromium | undefined;

beforeAll(async () => {
  api = await startApi({ server: { apiKeys: [{ name: 'lata', role: 'uploader', key: KEY }] } });
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await api?.close();
});

const as = (path: string, init: RequestInit = {}) => callAs(api, KEY, path, init);

async function done(id: string): Promise<ImportViewJson & { options: { fixOf?: string } }> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const view = (await (await as(`/imports/${id}`)).json()) as ImportViewJson & {
      options: { fixOf?: string };
    };
    if (['done', 'failed', 'cancelled'].includes(view.state)) return view;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} did not end`);
}

/**
 * Mounts the grid on the served page with a fetch wrapper like the page's (Bearer key, the server's
 * message on an error). Given as text: vitest would rewrite a dynamic import() inside a function.
 */
async function mountGrid(page: Page, importId: string): Promise<void> {
  await page.evaluate(`(async () => {
    const { mountFixGrid } = await import('/fix-grid.js');
    const host = document.createElement('section');
    host.id = 'fix-host';
    (document.querySelector('main') ?? document.body).append(host);
    const api = async (path, options = {}) => {
      const headers = { ...(options.headers || {}), authorization: 'Bearer ${KEY}' };
      const response = await fetch(path, { ...options, headers });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw new Error(body?.error?.message || 'The server answered ' + response.status);
      }
      return response;
    };
    mountFixGrid(host, { importId: '${importId}', api, onSubmitted: (id) => { window.followUp = id; } });
  })()`);
}

/** The page's widths and the grid's scroll box (run in the page: the DOM's types are not this project's). */
function overflow(page: Page) {
  return page.evaluate<{ page: number; viewport: number; boxScrolls: boolean; boxStyle: string }>(`(() => {
    const box = document.querySelector('.fix-grid-scroll');
    return {
      page: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      boxScrolls: box.scrollWidth > box.clientWidth,
      boxStyle: getComputedStyle(box).overflowX,
    };
  })()`);
}

describe('the rows-to-fix grid in Chromium', () => {
  it('highlights the bad cell, checks an edit on the server, sends the fixed row as a follow-up import', async () => {
    const form = new FormData();
    form.append('file', new Blob([FILE]), 'pennar.csv');
    const uploaded = await as('/imports', { method: 'POST', body: form });
    expect(uploaded.status).toBe(202);
    const first = ((await uploaded.json()) as { importId: string }).importId;
    expect((await done(first)).counts).toMatchObject({ created: 1, invalid: 1 });

    const page = await chromium!.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${api.url}/`);
    await mountGrid(page, first);

    const table = page.getByRole('table', { name: /Rows to fix in import/ });
    await table.waitFor();
    expect(await page.locator('.fix-grid-table thead th[scope="col"]').allTextContents()).toEqual([
      'Row',
      'Customer CodeuniqueRefNo',
      'Legal NamelegalName',
      'Contact PersoncustomerKeyContacts[0].name',
      'MobilecustomerKeyContacts[0].mobile',
      'Check',
    ]);
    expect(await page.locator('.fix-grid-table tbody th[scope="row"]').allTextContents()).toEqual(['3']);
    const mobile = page.getByRole('textbox', { name: 'Mobile, row 3' });
    expect(await mobile.inputValue()).toBe('12345');
    expect(await mobile.getAttribute('aria-invalid')).toBe('true');
    const reasonId = await mobile.getAttribute('aria-describedby');
    const reason = page.locator(`[id="${reasonId}"]`);
    expect(await reason.isVisible()).toBe(true);
    expect(await reason.textContent()).toContain('12345');
    expect(await page.locator('td.fix-cell-bad').count()).toBe(1);
    expect(
      await page.getByRole('button', { name: 'Send fixed rows as a follow-up import' }).isDisabled(),
    ).toBe(true);

    // At 390 px: the grid scrolls inside its own box; the page does not.
    const narrow = await overflow(page);
    expect(narrow.boxStyle).toBe('auto');
    expect(narrow.boxScrolls).toBe(true);
    expect(narrow.page).toBeLessThanOrEqual(narrow.viewport);

    // Still bad: the server's answer is shown at the cell.
    await mobile.fill('98765');
    await page.getByRole('button', { name: 'Check row 3' }).click();
    await page.locator('.fix-note', { hasText: 'Still 1 problem' }).waitFor();
    expect(await reason.textContent()).toContain('98765');
    await page.screenshot({ path: '/tmp/customer-sync-fix-grid-390.png', fullPage: true });

    await mobile.fill('9876513002');
    expect(await page.locator('.fix-note').textContent()).toBe('Edited: not checked yet');
    await page.getByRole('button', { name: 'Check row 3' }).click();
    await page.locator('.fix-note', { hasText: 'Valid: ready to send' }).waitFor();
    expect(await mobile.getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('td.fix-cell-bad').count()).toBe(0);

    await page.getByRole('button', { name: 'Send fixed rows as a follow-up import' }).click();
    // Polled from here (waitForFunction would eval a string inside the page, which its CSP forbids).
    const followUp = () => page.evaluate<string | undefined>('window.followUp');
    await expect.poll(followUp, { timeout: 30_000 }).toMatch(/^imp-/);
    const id = (await followUp()) as string;
    const view = await done(id);
    expect(view.options.fixOf).toBe(first);
    expect(view.counts).toMatchObject({ created: 1 });
    expect(api.h.sandbox.customers().find((c) => c.uniqueRefNo === 'P-2')?.contactNumber).toBe('9876513002');
    expect(await page.locator('.fix-grid-status').textContent()).toContain(id);
    expect(await page.locator('.fix-grid-hint').textContent()).toBe('Every row to fix listed here is sent.');

    // Desktop width: the grid fits, the page does not overflow either.
    await page.setViewportSize({ width: 1280, height: 900 });
    const wide = await overflow(page);
    expect(wide.page).toBeLessThanOrEqual(wide.viewport);
    await page.screenshot({ path: '/tmp/customer-sync-fix-grid.png', fullPage: true });
    expect(problems).toEqual([]);
  });
});
