/** A file that cannot be read ends the import `failed`, and its BullMQ job failed too (Bull Board shows it so). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/engine.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('a refused file', () => {
  it('fails its import and its import job, once, with the reason', async () => {
    const file = join(h.dir, 'notes.csv');
    await writeFile(
      file,
      Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0x0a, 0x00, 0x01, 0x02]),
    );
    const meta = await h.sync(file);
    expect(meta.state).toBe('failed');
    expect(meta.error).toMatch(/^notes\.csv/);
    const job = await h.app.queues.imports.getJob(`${meta.id}.import`);
    // The 'failed' state is written by BullMQ right after the processor throws: poll for it.
    const end = Date.now() + 30_000;
    let state = await job?.getState();
    while (state !== 'failed' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      state = await job?.getState();
    }
    expect(state).toBe('failed');
    const failed = await h.app.queues.imports.getJob(`${meta.id}.import`);
    expect(failed?.failedReason).toBe(meta.error);
    expect(failed?.attemptsMade).toBe(1);
  });
});
