/**
 * `customer-sync watch DIR`: chokidar events and periodic readdir rescans (events get lost on network
 * shares and under load) feed one scan loop; a ready file is claimed by an atomic rename into processing/
 * — of several watchers on one folder only one rename succeeds — and settled by {@link settleClaim}.
 */
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { releaseReviewed, reviewDir } from './review-folder.js';
import { watch, type FSWatcher } from 'chokidar';
import type { App } from '../app.js';
import type { SubmitRequest } from '../sync/import-service.js';
import { StabilityTracker, classifyName, markerFor } from './file-rules.js';
import { SIDECAR_SUFFIX, claimNameFor, ensureLayout, layoutOf, type Layout } from './folders.js';
import { WatchLedger } from './ledger.js';
import { settleClaim, type SettleDeps } from './settle-claim.js';

export type WatchOptions = {
  dir: string;
  stableMs: number;
  rescanMs: number;
  requireMarker: boolean;
  importOptions: SubmitRequest['options'];
};

const LOCK_TTL_MS = 30_000;

export class FolderWatcher {
  readonly layout: Layout;
  private readonly tracker: StabilityTracker;
  private readonly deps: SettleDeps;
  private readonly ledger: WatchLedger;
  private readonly active = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly warned = new Set<string>();
  private chokidar: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private rescanAgain = false;
  private lastFullScan = 0;

  constructor(
    private readonly app: Pick<App, 'imports' | 'redis' | 'logger' | 'config'>,
    private readonly options: WatchOptions,
  ) {
    this.layout = layoutOf(resolve(options.dir));
    this.tracker = new StabilityTracker(options.stableMs, options.requireMarker);
    this.ledger = new WatchLedger(app.redis, app.config.redis.prefix, this.layout.root);
    this.deps = {
      layout: this.layout,
      ledger: this.ledger,
      imports: app.imports,
      logger: app.logger.child({ component: 'watch' }),
      importOptions: options.importOptions,
      copyDir: join(resolve(app.config.api.uploadDir), 'watch'),
    };
  }

  async start(): Promise<void> {
    await ensureLayout(this.layout);
    await mkdir(reviewDir(this.layout), { recursive: true });
    this.chokidar = watch(this.layout.inbox, { depth: 0, ignoreInitial: true });
    this.chokidar.on('all', () => this.requestScan());
    this.chokidar.on('error', (err) =>
      this.deps.logger.warn({ event: 'watch_events_error', err: String(err) }, 'file events failed'),
    );
    this.deps.logger.info({ event: 'watch_started', dir: this.layout.root }, 'watching folder');
    this.requestScan();
  }

  /** Stops taking files; imports under way go on in the workers and are completed by the next start. */
  async close(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.chokidar?.close();
    await this.scanning;
    await Promise.allSettled([...this.active.values()]);
  }

  /** Coalesces events: at most one scan runs, and one more follows if anything happened meanwhile. */
  private requestScan(): void {
    if (this.abort.signal.aborted) return;
    if (this.scanning) {
      this.rescanAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.scanning = this.scan()
      .catch((err: unknown) =>
        this.deps.logger.error({ event: 'watch_scan_failed', err: String(err) }, 'scan failed'),
      )
      .finally(() => {
        this.scanning = null;
        if (this.rescanAgain) {
          this.rescanAgain = false;
          this.requestScan();
        } else this.armTimer();
      });
  }

  private armTimer(): void {
    if (this.abort.signal.aborted) return;
    // While a file is settling down, look again soon; otherwise only the periodic rescan.
    const waitMs =
      this.tracker.pending > 0 ? Math.max(50, Math.floor(this.options.stableMs / 4)) : this.options.rescanMs;
    this.timer = setTimeout(() => this.requestScan(), waitMs);
    this.timer.unref();
  }

  private async scan(): Promise<void> {
    const now = Date.now();
    if (now - this.lastFullScan >= this.options.rescanMs || this.lastFullScan === 0) {
      this.lastFullScan = now;
      await releaseReviewed(this.layout, this.app.imports, async (claim) => {
        const text = await readFile(join(reviewDir(this.layout), claim + SIDECAR_SUFFIX), 'utf8').catch(
          () => '',
        );
        return text ? (JSON.parse(text) as { importId?: string }).importId : undefined;
      });
      await this.resumeProcessing();
    }
    const names = await readdir(this.layout.inbox);
    const present = new Set(names);
    const files = names.filter((n) => classifyName(n) === 'file');
    this.tracker.keepOnly(new Set(files));
    for (const name of names) if (classifyName(name) === 'unsupported') this.warnOnce(name);
    for (const name of files) {
      if (this.abort.signal.aborted) return;
      // lstat: a link is looked at, never followed. Links, FIFOs and devices are claimed like files so
      // that they end in failed/ with a note saying why (settle-claim.ts refuses to read them).
      const info = await lstat(join(this.layout.inbox, name)).catch(() => null);
      if (!info || info.isDirectory()) continue;
      const hasMarker = present.has(markerFor(name));
      if (this.tracker.observe(name, { size: info.size, mtimeMs: info.mtimeMs, hasMarker }, Date.now())) {
        this.tracker.forget(name);
        await this.claim(name, hasMarker);
      }
    }
  }

  /** The atomic step: only one watcher's rename of inbox/NAME succeeds. */
  private async claim(name: string, hasMarker: boolean): Promise<void> {
    const claimName = claimNameFor(name);
    if (!(await this.ledger.lock(claimName, LOCK_TTL_MS))) return;
    try {
      await rename(join(this.layout.inbox, name), join(this.layout.processing, claimName));
    } catch (err) {
      await this.ledger.unlock(claimName);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // another watcher took it
      throw err;
    }
    if (hasMarker) await rm(join(this.layout.inbox, markerFor(name)), { force: true });
    this.deps.logger.info({ event: 'watch_claimed', file: name, claim: claimName }, 'file claimed');
    this.track(claimName);
  }

  /** Files left in processing/ by a stopped watcher (or one whose lock expired) are taken up again. */
  private async resumeProcessing(): Promise<void> {
    for (const name of await readdir(this.layout.processing)) {
      if (name.endsWith(SIDECAR_SUFFIX) || name.endsWith('.tmp') || this.active.has(name)) continue;
      if (!(await this.ledger.lock(name, LOCK_TTL_MS))) continue;
      this.deps.logger.info({ event: 'watch_resumed', claim: name }, 'resuming file');
      this.track(name);
    }
  }

  /** Runs settleClaim with the claim's lock held (and kept alive) until it returns. */
  private track(claimName: string): void {
    const keepAlive = setInterval(() => void this.ledger.extend(claimName, LOCK_TTL_MS), LOCK_TTL_MS / 3);
    const task = settleClaim(this.deps, claimName, this.abort.signal)
      .catch((err: unknown) =>
        this.deps.logger.error(
          { event: 'watch_settle_failed', claim: claimName, err: String(err) },
          'file left in processing/; retried at the next rescan',
        ),
      )
      .then(() => undefined)
      .finally(async () => {
        clearInterval(keepAlive);
        await this.ledger.unlock(claimName);
        this.active.delete(claimName);
      });
    this.active.set(claimName, task);
  }

  private warnOnce(name: string): void {
    if (this.warned.has(name)) return;
    this.warned.add(name);
    this.deps.logger.warn(
      { event: 'watch_unsupported', file: name },
      `${name}: not a .csv, .tsv, .txt or .xlsx file; left in inbox/ (rename it to import it)`,
    );
  }
}
