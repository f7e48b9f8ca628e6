/** A FolderWatcher on a fresh temp folder against the shared test harness, plus folder readers. */
import { mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from '../../src/app.js';
import { FolderWatcher } from '../../src/watch/folder-watcher.js';

export const IMPORT_OPTIONS = { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo' } as const;

export async function newWatchDir(parent: string): Promise<string> {
  return mkdtemp(join(parent, 'watch-'));
}

export async function startWatcher(app: App, dir: string, stableMs = 600): Promise<FolderWatcher> {
  const watcher = new FolderWatcher(app, {
    dir,
    stableMs,
    rescanMs: 1_000,
    requireMarker: false,
    importOptions: { ...IMPORT_OPTIONS },
  });
  await watcher.start();
  return watcher;
}

export async function list(dir: string, sub: string): Promise<string[]> {
  return (await readdir(join(dir, sub))).sort();
}

/** Imports whose file the user knows by `fileName`. */
export async function importsNamed(app: App, fileName: string): Promise<string[]> {
  const ids: string[] = [];
  for (const id of await app.store.list(0, 1000)) {
    if ((await app.store.get(id))?.fileName === fileName) ids.push(id);
  }
  return ids;
}

export async function customerCount(app: App): Promise<number> {
  const answer = await app.client.searchCustomers({ customerStatus: 'ALL' }, { limit: 1, offset: 0 });
  return answer.recordsCount ?? 0;
}
