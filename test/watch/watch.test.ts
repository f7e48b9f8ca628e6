import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { customerCount, importsNamed, list, newWatchDir, startWatcher } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const endsWith = (names: string[], suffix: string) => names.filter((n) => n.endsWith(suffix));

describe('watched folder', () => {
  it('does not read a file still being written, then imports it once', async () => {
    const dir = await newWatchDir(h.dir);
    // Far longer than a loaded machine can stall between two appends: only a watcher that ignored the
    // growing size would take the file early, never a slow test.
    const stableMs = 5_000;
    const watcher = await startWatcher(h.app, dir, stableMs);
    try {
      // A slow copy: the file grows a chunk every 100 ms.
      const content = syntheticCsv(30, 11, 1000);
      const path = join(dir, 'inbox', 'growing.csv');
      const ticks = 12;
      const chunk = Math.ceil(content.length / (ticks + 1));
      await writeFile(path, content.slice(0, chunk));
      for (let i = 1; i <= ticks; i++) {
        await new Promise((r) => setTimeout(r, 100));
        expect(await list(dir, 'inbox')).toEqual(['growing.csv']);
        expect(await list(dir, 'processing')).toEqual([]);
        await appendFile(path, content.slice(i * chunk, (i + 1) * chunk));
      }
      await appendFile(path, content.slice((ticks + 1) * chunk));
      const done = await eventually(
        async () => {
          const names = await list(dir, 'done');
          return names.some((n) => n.endsWith('__growing.csv')) ? names : undefined;
        },
        60_000,
        'growing.csv in done/',
      );
      expect(endsWith(done, '__growing.csv.report')).toHaveLength(1);
      expect(await importsNamed(h.app, 'growing.csv')).toHaveLength(1);
      const [id] = await importsNamed(h.app, 'growing.csv');
      const meta = await h.app.imports.get(id ?? '');
      expect(meta?.total).toBe(30);
      expect(meta?.counts.created).toBe(30);
    } finally {
      await watcher.close();
    }
  });

  it('reports an identical re-drop as a duplicate instead of importing it again', async () => {
    const dir = await newWatchDir(h.dir);
    const watcher = await startWatcher(h.app, dir);
    try {
      const content = syntheticCsv(5, 12, 2000);
      // Written beside the inbox and renamed in: atomic, so taken without waiting.
      await writeFile(join(dir, 'first.csv'), content);
      await rename(join(dir, 'first.csv'), join(dir, 'inbox', 'first.csv'));
      await eventually(
        async () => ((await list(dir, 'done')).some((n) => n.endsWith('__first.csv')) ? true : undefined),
        60_000,
        'first.csv done',
      );
      const [firstId] = await importsNamed(h.app, 'first.csv');

      await writeFile(join(dir, 'inbox', 'again.csv'), content);
      const failed = await eventually(
        async () => {
          const names = await list(dir, 'failed');
          // The note is written before the file is moved beside it: wait for both.
          const settled =
            names.some((n) => n.endsWith('__again.csv.duplicate.txt')) &&
            names.some((n) => n.endsWith('__again.csv'));
          return settled ? names : undefined;
        },
        60_000,
        'again.csv reported as duplicate',
      );
      const note = await readFile(join(dir, 'failed', endsWith(failed, '.duplicate.txt')[0] ?? ''), 'utf8');
      expect(note).toContain(firstId);
      expect(endsWith(failed, '__again.csv')).toHaveLength(1);
      expect(await importsNamed(h.app, 'again.csv')).toHaveLength(0);
      expect(await importsNamed(h.app, 'first.csv')).toHaveLength(1);
    } finally {
      await watcher.close();
    }
  });

  it('completes a file exactly once when the watcher restarts mid-import', async () => {
    const dir = await newWatchDir(h.dir);
    const before = await customerCount(h.app);
    // Slow EnKash so the import is still running when the first watcher stops.
    h.sandbox.setFaults({ latencyMs: 150 });
    const first = await startWatcher(h.app, dir);
    let submittedId: string | undefined;
    try {
      await writeFile(join(dir, 'restart.csv'), syntheticCsv(40, 13, 3000));
      await rename(join(dir, 'restart.csv'), join(dir, 'inbox', 'restart.csv'));
      submittedId = await eventually(
        async () => (await importsNamed(h.app, 'restart.csv'))[0],
        60_000,
        'the import submitted',
      );
    } finally {
      await first.close();
    }
    const state = (await h.app.imports.get(submittedId))?.state;
    expect(['queued', 'parsing', 'running', 'finalizing']).toContain(state);
    expect(endsWith(await list(dir, 'processing'), '__restart.csv')).toHaveLength(1);
    h.sandbox.setFaults({ latencyMs: 0 });

    const second = await startWatcher(h.app, dir);
    try {
      await eventually(
        async () => ((await list(dir, 'done')).some((n) => n.endsWith('__restart.csv')) ? true : undefined),
        60_000,
        'restart.csv done',
      );
    } finally {
      await second.close();
    }
    expect(await importsNamed(h.app, 'restart.csv')).toEqual([submittedId]);
    expect((await h.app.imports.get(submittedId))?.counts.created).toBe(40);
    expect(await customerCount(h.app)).toBe(before + 40);
    expect(await list(dir, 'processing')).toEqual([]);
  });

  it('finds the import it already submitted when a crash came before the id was recorded', async () => {
    const dir = await newWatchDir(h.dir);
    h.sandbox.setFaults({ latencyMs: 150 });
    const first = await startWatcher(h.app, dir);
    let submittedId: string | undefined;
    try {
      await writeFile(join(dir, 'inbox', 'crash.csv'), syntheticCsv(20, 14, 4000));
      submittedId = await eventually(async () => (await importsNamed(h.app, 'crash.csv'))[0], 60_000);
    } finally {
      await first.close();
      h.sandbox.setFaults({ latencyMs: 0 });
    }
    // Forget the import id, as if the process died right after submitting.
    const sidecar = endsWith(await list(dir, 'processing'), '.claim.json')[0] ?? '';
    const recorded = JSON.parse(await readFile(join(dir, 'processing', sidecar), 'utf8')) as object;
    await writeFile(join(dir, 'processing', sidecar), JSON.stringify({ ...recorded, importId: undefined }));

    const second = await startWatcher(h.app, dir);
    try {
      await eventually(
        async () => ((await list(dir, 'done')).some((n) => n.endsWith('__crash.csv')) ? true : undefined),
        60_000,
        'crash.csv done',
      );
    } finally {
      await second.close();
    }
    expect(await importsNamed(h.app, 'crash.csv')).toEqual([submittedId]);
  });
});
