/**
 * Debian's Chromium driven by playwright-core, shared by the browser tests and scripts/screenshots.ts:
 * one persistent context on a fresh profile (how a user-data-dir is given to Chromium), and the page's
 * sign-in with the API key.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export type Chromium = { context: BrowserContext; close(): Promise<void> };

export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-browser.sh`);
  const profile = await mkdtemp(join(tmpdir(), 'cs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
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
  const browser = context.browser();
  return {
    context,
    async close() {
      await context.close();
      await browser?.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the page and enters the key; page errors are collected in `problems`. */
export async function signedIn(
  context: BrowserContext,
  url: string,
  key: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${url}/`);
  await page.getByRole('textbox', { name: /API key/ }).fill(key);
  await page.getByRole('button', { name: 'Use this key' }).click();
  await page.locator('#key-saved').waitFor();
  return { page, problems };
}
