/**
 * Each process's watch on the cancel of the imports it has rows of in hand. A row job reads the cancel
 * once, at its start (src/queue/row-ledger.ts); a row already taken then waits for its connection permit
 * and rate slot (at a 200/s ceiling, ~100 rows in a worker's hands wait up to a second) and, without this
 * watch, sends after the cancel was accepted. The watch gives each such import an AbortSignal that fires
 * when the cancel is seen; the EnKash transport refuses to send on it (CallOptions `gate`), and the row
 * ends skipped by the cancel (src/sync/row-sync.ts).
 *
 * How: one pipelined HGET of `cancelRequested` per watched import every `intervalMs` (200 ms), one round
 * trip per process whatever the number of rows, and none while no row is in hand. Polling rather than a
 * pub/sub channel the cancel publishes to: a subscriber needs its own Redis connection per process, a
 * message sent while it reconnects is lost (so the poll would be needed anyway), and the flag the cancel
 * already writes is the one truth to read. A poll every 200 ms leaves the 2 s the cancel promises.
 */
import { setMaxListeners } from 'node:events';
import type { Redis } from 'ioredis';
import { importKeys } from '../queue/keys.js';

export const CANCEL_WATCH_INTERVAL_MS = 200;

/** The reason a watched import's signal carries. */
export class ImportCancelled extends Error {
  constructor(readonly importId: string) {
    super(`import ${importId} was cancelled`);
    this.name = 'ImportCancelled';
  }
}

type Watched = { controller: AbortController; holders: number };

/** A row's hold on its import's watch: `signal` aborts on the cancel; release when the row ends. */
export type CancelHold = { signal: AbortSignal; release: () => void };

export class CancelWatch {
  private readonly watched = new Map<string, Watched>();
  private readonly keys: ReturnType<typeof importKeys>;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(private readonly deps: { redis: Redis; prefix: string; intervalMs?: number }) {
    this.keys = importKeys(deps.prefix);
    this.intervalMs = deps.intervalMs ?? CANCEL_WATCH_INTERVAL_MS;
  }

  /** The imports watched now (for tests: none once every row has released). */
  get size(): number {
    return this.watched.size;
  }

  /** Watches the import while the returned hold lasts; the import's last release ends its watch. */
  hold(importId: string): CancelHold {
    let entry = this.watched.get(importId);
    if (!entry) {
      entry = { controller: new AbortController(), holders: 0 };
      // Every row in hand follows it (their calls' waits link to it and let go when done): as many
      // listeners as rows in flight, by design, not the leak Node warns of past ten.
      setMaxListeners(0, entry.controller.signal);
      this.watched.set(importId, entry);
    }
    entry.holders += 1;
    this.start();
    const held = entry;
    let released = false;
    return {
      signal: held.controller.signal,
      release: () => {
        if (released) return;
        released = true;
        held.holders -= 1;
        if (held.holders === 0 && this.watched.get(importId) === held) this.watched.delete(importId);
        if (this.watched.size === 0) this.stop();
      },
    };
  }

  /** Stops polling (the holds' signals stay as they are). */
  close(): void {
    this.stop();
    this.watched.clear();
  }

  private start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  private stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pipelined read of every watched import's flag; a cancelled one's signal aborts. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    const ids = [...this.watched.entries()].filter(([, w]) => !w.controller.signal.aborted).map(([id]) => id);
    if (ids.length === 0) return;
    this.polling = true;
    try {
      const pipeline = this.deps.redis.pipeline();
      for (const id of ids) pipeline.hget(this.keys.meta(id), 'cancelRequested');
      const answers = (await pipeline.exec()) ?? [];
      ids.forEach((id, i) => {
        if (answers[i]?.[1] === '1') this.watched.get(id)?.controller.abort(new ImportCancelled(id));
      });
    } catch {
      // Redis away: the next tick asks again; each row's start still reads the cancel itself.
    } finally {
      this.polling = false;
    }
  }
}
