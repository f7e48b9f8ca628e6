/**
 * What the desk's browser test and scripts/screenshots.ts share: the files they upload and how, reading
 * the sandbox over HTTP, and the check that nothing on the page is wider than the viewport.
 */
import type { Page } from 'playwright-core';
import type { CustomerResponse } from '../../src/contract/enkash-api.js';

/**
 * Two code-like columns, neither named as EnKash names it (`no-match-key`: held for review whatever the
 * form says); the last row's mobile is too short (invalid, to be fixed in the grid). `tag` keeps the
 * codes and the header set apart between runs (an approved header set is not held again).
 */
export function doubtfulCsv(tag: string): string {
  return [
    `Party Name,Ref ${tag}1,Ref ${tag}2,Mobile`,
    `Konark Cement ${tag},${tag}-11,AX-901,9437012301`,
    `Puri Handlooms ${tag},${tag}-12,AX-902,9437012302`,
    `Chilika Prawns ${tag},${tag}-13,AX-903,9437012303`,
    `Sambalpur Sarees ${tag},${tag}-14,AX-904,94370`,
  ].join('\n');
}

/** The same customers with a new mobile for the first: an update import (read without a doubt). */
export function updateCsv(tag: string): string {
  return ['Customer Code,Party Name,Mobile No.', `${tag}-11,Konark Cement ${tag},9437099999`].join('\n');
}

/** Chooses a file in the upload form, the review choice set as asked, and starts the import. */
export async function choose(page: Page, name: string, content: string, review: boolean) {
  await page.locator('#file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(content) });
  const box = page.getByRole('checkbox', { name: /Review before applying/ });
  if (review) await box.check();
  else await box.uncheck();
  await page.getByRole('button', { name: 'Start import' }).click();
}

/** The current import panel shows that file finished. */
export async function finished(page: Page, name: string) {
  await page.locator('#current-file', { hasText: name }).waitFor();
  await page.locator('#current-state', { hasText: 'Finished' }).waitFor({ timeout: 30_000 });
}

export async function sandboxCustomers(sandboxUrl: string): Promise<CustomerResponse[]> {
  const res = await fetch(`${sandboxUrl}/__sandbox/customers`);
  if (!res.ok) throw new Error(`sandbox customers: ${res.status}`);
  return (await res.json()) as CustomerResponse[];
}

export async function sandboxRequests(sandboxUrl: string): Promise<number> {
  const res = await fetch(`${sandboxUrl}/__sandbox/stats`);
  return ((await res.json()) as { total: number }).total;
}

/**
 * Elements wider than the viewport (or starting left of it), outside a declared scroll box
 * (`.scroll-box`, and the rows-to-fix grid's `.fix-grid-scroll`: a table may scroll inside one; the box
 * itself must fit), and the page's own widths.
 */
export function overflow(page: Page) {
  // Run in the page (a string: the DOM's types are not this project's).
  return page.evaluate<{ scrollWidth: number; clientWidth: number; wide: string[] }>(`(() => {
    const doc = document.documentElement;
    const width = doc.clientWidth;
    const wide = [];
    for (const e of document.querySelectorAll('body *')) {
      if (e.parentElement?.closest('.scroll-box, .fix-grid-scroll')) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > width + 1 || r.left < -1) {
        const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '');
        wide.push(name + ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + ']');
      }
    }
    return { scrollWidth: doc.scrollWidth, clientWidth: width, wide };
  })()`);
}
