/**
 * The report written while the import still runs. The import job tells this process's {@link ReportAhead}
 * every row it read, in order; a follower writes each row's result into the report's temp folder as soon
 * as it and every row before it have one (a result is final once recorded: first write wins). Most rows of
 * a re-sync are settled when they are planned, and the rest settle roughly in file order, so by the time
 * the last row ends only the last few rows and the summary are left: the `finalize` job writes those and
 * publishes (src/sync/finalize-job.ts). The files are those writeReport writes, through the same
 * ReportWriter.
 *
 * It only ever saves time. The follower yields the CPU to everything else in the process (the file's
 * parsing, the row jobs): it writes only while the event loop is mostly idle, else waits, and writes
 * the rest when finalize asks. Whenever it cannot stand for the whole report (the finalize job runs in
 * another process, the import job was retried, a row came twice, the results hold a row it was not told
 * of, any error), it is dropped with its temp folder and finalize writes the report whole, as before.
 */
import { performance } from 'node:perf_hooks';
import { isTerminal } from '../domain/import-lifecycle.js';
import type { RowResult } from '../domain/types.js';
import { fileColumns } from '../ingest/plan/file-columns.js';
import type { ReadingPlan } from '../ingest/plan/reading-plan.js';
import type { Logger } from '../logger.js';
import type { ImportStore } from '../queue/import-store.js';
import type { ReportFiles } from '../report/types.js';
import { ReportWriter, type ReportEnd } from '../report/write-report.js';

export type ReportAheadOptions = {
  /** Rows read before the report is begun ahead (default 5000): below it, writing it at the end is quick. */
  minRows?: number;
  /** How long a row without its result is left before it is looked at again, ms (default 100). */
  pollMs?: number;
  /** Rows looked up (and written) in one round trip (default 100). */
  window?: number;
  /**
   * The event loop's share of busy time, not counting the follower's own, above which it waits (0.7;
   * 1: never waits). Measured over 200 ms at least; it waits for the first measure.
   */
  busyShare?: number;
};

type Deps = {
  store: Pick<ImportStore, 'resultsAt' | 'resultCount' | 'state' | 'getPlan'>;
  logger: Pick<Logger, 'warn'>;
};

/** Rows looked up in one round trip once finalize has asked for the rest. */
const DRAIN_WINDOW = 1000;
/** How often a follower not yet asked to finish checks that its import has not ended elsewhere, ms. */
const STATE_CHECK_MS = 1000;

/** This process's followers, one per import whose import job runs here. */
export class ReportAhead {
  private readonly followers = new Map<string, ReportFollower>();

  constructor(
    private readonly deps: Deps,
    private readonly options: ReportAheadOptions = {},
  ) {}

  /** The import job begins reading `importId`'s file (again: an earlier attempt's follower is dropped). */
  begin(importId: string, dir: string): ReportFollower {
    void this.followers.get(importId)?.drop();
    const follower = new ReportFollower(this.deps, importId, dir, this.options, () => {
      if (this.followers.get(importId) === follower) this.followers.delete(importId);
    });
    this.followers.set(importId, follower);
    return follower;
  }

  /**
   * The report, its rows written ahead and the rest now; null when this process has no follower of the
   * import that can stand for it (nothing is left of one that cannot): the caller writes the report whole.
   */
  async finish(importId: string, end: ReportEnd): Promise<ReportFiles | null> {
    const follower = this.followers.get(importId);
    if (!follower) return null;
    this.followers.delete(importId);
    return follower.finish(end);
  }

  /** Drops every follower (the process is closing); their temp folders are removed. */
  async close(): Promise<void> {
    const all = [...this.followers.values()];
    this.followers.clear();
    await Promise.all(all.map((f) => f.drop()));
  }
}

type Slot = { row: number; result: RowResult | null };

export class ReportFollower {
  /** The rows expected and not yet in the window, as runs: [first, last, first, last, …]. */
  private runs: number[] = [];
  private run = 0;
  private expected = 0;
  private lastRow = 0;
  private parsedAll = false;
  private invalid = false;
  private draining = false;
  private stopped = false;
  private window: Slot[] = [];
  private writer: ReportWriter | undefined;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<boolean>;
  private elu = performance.eventLoopUtilization();
  private ownMs = 0;
  private busy = true;

  constructor(
    private readonly deps: Deps,
    readonly importId: string,
    readonly dir: string,
    private readonly options: ReportAheadOptions,
    private readonly gone: () => void,
  ) {
    this.loop = this.follow();
  }

  /** The rows just read, in file order. */
  expect(rows: readonly { row: number }[]): void {
    for (const { row } of rows) {
      if (row <= this.lastRow) this.invalid = true;
      const last = this.runs.length - 1;
      // The last run, if not yet taken into the window, grows by one.
      if (last - 1 >= this.run && this.runs[last] === row - 1) this.runs[last] = row;
      else this.runs.push(row, row);
      this.lastRow = row;
      this.expected += 1;
    }
  }

  /** Rows written so far. */
  get rowsWritten(): number {
    return this.writer?.rows ?? 0;
  }

  /** Every row of the file has been read and handed over. */
  parsed(): void {
    this.parsedAll = true;
  }

  async drop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  async finish(end: ReportEnd): Promise<ReportFiles | null> {
    if (!this.parsedAll || this.invalid || end.dir !== this.dir) {
      await this.drop();
      return null;
    }
    this.draining = true;
    this.wake?.();
    const writer = (await this.loop) ? this.writer : undefined;
    this.writer = undefined;
    if (!writer) return null;
    const same = JSON.stringify(writer.columns) === JSON.stringify(end.summary.columns);
    let stands = false;
    try {
      // Every result recorded was written: no row the import job did not hand over has one.
      stands = same && (await this.deps.store.resultCount(this.importId)) === writer.rows;
    } finally {
      if (!stands) await writer.abort();
    }
    return stands ? writer.finish(end) : null;
  }

  /** True once every row expected is written and finish asked for the rest; false when dropped. */
  private async follow(): Promise<boolean> {
    let done = false;
    try {
      done = await this.write();
    } catch (err) {
      const { name, code } = err as NodeJS.ErrnoException;
      this.deps.logger.warn(
        { importId: this.importId, event: 'report_ahead_dropped', err: code ?? name },
        'report not written ahead: it is written whole at the end',
      );
    }
    if (!done) {
      await this.writer?.abort().catch(() => undefined);
      this.writer = undefined;
    }
    // Only now: until its folder is gone, finish still finds it (and waits for it).
    this.gone();
    return done;
  }

  private async write(): Promise<boolean> {
    const { minRows = 5000, pollMs = 100 } = this.options;
    let checkedAt = Date.now();
    let blocked = false;
    while (!this.stopped) {
      if (!this.draining && Date.now() - checkedAt >= STATE_CHECK_MS) {
        checkedAt = Date.now();
        const state = await this.deps.store.state(this.importId);
        if (state === null || isTerminal(state)) return false;
      }
      if (!this.writer) {
        if (this.draining) return false;
        if (this.expected >= minRows) await this.open();
        else await this.pause(pollMs);
        continue;
      }
      this.fill();
      if (this.window.length === 0) {
        if (this.draining) return true;
        await this.pause(pollMs);
        continue;
      }
      if (!this.draining && this.othersBusy()) {
        await this.pause(pollMs);
        continue;
      }
      // Blocked on the first row: only it is asked for until it has its result.
      const asked = (blocked ? this.window.slice(0, 1) : this.window).filter((s) => s.result === null);
      const results = await this.deps.store.resultsAt(
        this.importId,
        asked.map((s) => s.row),
      );
      asked.forEach((slot, i) => (slot.result = results[i] ?? null));
      if (blocked && this.window[0]?.result) {
        blocked = false; // the first row has its result: the rest are asked for now
        continue;
      }
      const workedMs = await this.writeSettled();
      blocked = this.window.length > 0;
      // A row without its result once finalize runs: the results are not what this follower was told.
      if (blocked && this.draining) return false;
      if (blocked) await this.pause(pollMs);
      // At most half the event loop while rows run: their round trips wait behind each window written
      // (catching up 30,000 rows at full speed cost the fixed 50/s a second of its updates).
      else if (!this.draining) await this.pause(workedMs);
    }
    return false;
  }

  private async open(): Promise<void> {
    const plan = await this.deps.store.getPlan<ReadingPlan>(this.importId);
    const columns = plan ? fileColumns(plan) : undefined;
    const writer = await ReportWriter.open({ dir: this.dir, summary: columns ? { columns } : {} });
    if (this.stopped) await writer.abort();
    else this.writer = writer;
  }

  /** Tops the window up from the runs. */
  private fill(): void {
    // Once finalize asks, nothing else waits for the event loop: fewer, larger round trips.
    const room = (this.draining ? DRAIN_WINDOW : (this.options.window ?? 100)) - this.window.length;
    for (let n = 0; n < room && this.run < this.runs.length; n += 1) {
      const first = this.runs[this.run] as number;
      const last = this.runs[this.run + 1] as number;
      this.window.push({ row: first, result: null });
      if (first < last) this.runs[this.run] = first + 1;
      else this.run += 2;
    }
    if (this.run >= 4096) {
      this.runs = this.runs.slice(this.run);
      this.run = 0;
    }
  }

  /** Writes the window's rows up to the first without a result; returns the time it took, ms. */
  private async writeSettled(): Promise<number> {
    const writer = this.writer as ReportWriter;
    const started = performance.now();
    let n = 0;
    for (const slot of this.window) {
      if (slot.result === null || this.stopped) break;
      await writer.add(slot.result);
      n += 1;
    }
    this.window = this.window.slice(n);
    const took = performance.now() - started;
    this.ownMs += took;
    return took;
  }

  /** Whether the rest of the process kept the event loop busy since the last look (200 ms at least). */
  private othersBusy(): boolean {
    const share = this.options.busyShare ?? 0.7;
    if (share >= 1) return false;
    const now = performance.eventLoopUtilization();
    const { active, idle } = performance.eventLoopUtilization(now, this.elu);
    if (active + idle < 200) return this.busy;
    this.busy = (active - this.ownMs) / (active + idle) > share;
    this.elu = now;
    this.ownMs = 0;
    return this.busy;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
