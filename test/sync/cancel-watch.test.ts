/**
 * The per-process cancel watch (src/sync/cancel-watch.ts) against real Redis: a held import's signal
 * aborts once its cancel flag is set, other imports' do not, and an import's watch ends with its last
 * row's release (nothing is left watched or polled). Waits for the abort event, never for a time.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CancelWatch, ImportCancelled } from '../../src/sync/cancel-watch.js';
import { importKeys } from '../../src/queue/keys.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const prefix = randomPrefix();
const keys = importKeys(prefix);
const watches: CancelWatch[] = [];

afterEach(() => {
  for (const w of watches.splice(0)) w.close();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function watch() {
  const w = new CancelWatch({ redis, prefix, intervalMs: 50 });
  watches.push(w);
  return w;
}

const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });

describe('CancelWatch', () => {
  it("aborts the cancelled import's signal, not another import's", async () => {
    const w = watch();
    await redis.hset(keys.meta('imp-a'), { state: 'running' });
    await redis.hset(keys.meta('imp-b'), { state: 'running' });
    const a = w.hold('imp-a');
    const b = w.hold('imp-b');
    await redis.hset(keys.meta('imp-a'), { cancelRequested: 1 });
    const reason = await aborted(a.signal);
    expect(reason).toBeInstanceOf(ImportCancelled);
    expect((reason as ImportCancelled).importId).toBe('imp-a');
    // b was read in the same pipelined poll that saw a's flag.
    expect(b.signal.aborted).toBe(false);
    a.release();
    b.release();
  });

  it("a hundred rows in hand may follow one import's signal without Node's listener-leak warning", async () => {
    const w = watch();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    // Each row's own listener (one function each: the same one twice is one listener).
    const holds = Array.from({ length: 100 }, () => ({
      hold: w.hold('imp-many'),
      listener: () => undefined,
    }));
    for (const { hold, listener } of holds) hold.signal.addEventListener('abort', listener);
    await new Promise((r) => setTimeout(r, 10));
    process.off('warning', onWarning);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    for (const { hold, listener } of holds) {
      hold.signal.removeEventListener('abort', listener);
      hold.release();
    }
    expect(w.size).toBe(0);
  });

  it('rows of one import share its watch; the last release ends it (no leak), a release twice counts once', async () => {
    const w = watch();
    const first = w.hold('imp-c');
    const second = w.hold('imp-c');
    expect(second.signal).toBe(first.signal);
    expect(w.size).toBe(1);
    first.release();
    first.release();
    expect(w.size).toBe(1);
    second.release();
    expect(w.size).toBe(0);
    // A new row of the import after its watch ended starts a fresh watch, and it still sees the cancel.
    const again = w.hold('imp-c');
    expect(w.size).toBe(1);
    await redis.hset(keys.meta('imp-c'), { cancelRequested: 1 });
    await aborted(again.signal);
    again.release();
    expect(w.size).toBe(0);
  });
});
