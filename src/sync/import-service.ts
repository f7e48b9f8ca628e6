/**
 * The one service every entry point calls: submit a file as an import, follow it, cancel it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { Redis } from 'ioredis';
import { isTerminal } from '../domain/import-lifecycle.js';
import type { RowResult } from '../domain/types.js';
import type { ColumnOverrides } from '../ingest/columns/reading-overrides.js';
import { ingestFile } from '../ingest/ingest-file.js';
import type { ReadingPlan } from '../ingest/plan/reading-plan.js';
import { DEFAULT_READ_LIMITS } from '../ingest/read/limits.js';
import type { MappingProfiles } from '../queue/mapping-profiles.js';
import { newImportId } from './import-id.js';
import { startCounting, withExpected } from './expected-counts.js';
import type { Sealer } from '../queue/sealer.js';
import { openRegularFile } from '../ingest/read/safe-open.js';
import { releaseOwned, takeOwned } from '../redis/owned-key.js';
import type { ImportMeta, ImportOptions, ImportStore } from '../queue/import-store.js';
import { importKeys } from '../queue/keys.js';
import { JOB_NAMES, importJobOptions, jobIds, type QueueSettings, type Queues } from '../queue/queues.js';
import { dropQueuedRows } from './cancel-rows.js';
import { gatedPlan, metaDoubts } from './review-gate.js';
import { claimOnce } from './claim-once.js';
import { readingOptions } from './import-reading.js';

export type ReviewAnswer =
  | { ok: true; meta: ImportMeta }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'not-held'; state: ImportMeta['state'] };

/** A review action (a re-plan reads the file's first rows) holds its lock at most this long. */
const REVIEW_LOCK_MS = 60_000;
/** How long a second review action waits for the first. */
const REVIEW_WAIT_MS = 65_000;

export { newImportId };

export type SubmitRequest = {
  filePath: string;
  /** The name the user knows the file by (defaults to the path's base name). */
  fileName?: string;
  origin: 'cli' | 'api' | 'watch' | 'schedule';
  /** Who submits it (an API key's name, `schedule:<job>`); defaults to the origin. */
  submittedBy?: string;
  options: Omit<ImportOptions, 'reportDir'> & { reportDir?: string };
};

export type Submitted = {
  importId: string;
  /** True when an identical file with the same options was already being imported: that import's id. */
  duplicate: boolean;
};

/**
 * sha256 of a file's bytes, streamed from one safely opened handle (no link followed, no FIFO waited on),
 * its size checked first: a file over the read limit is refused before it is hashed.
 */
export async function fileHash(
  path: string,
  maxBytes: number = DEFAULT_READ_LIMITS.maxFileBytes,
): Promise<string> {
  const { handle } = await openRegularFile(path, basename(path), { maxBytes });
  try {
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/**
 * What makes two submissions of the same bytes the same import: their options, whatever order the entry
 * point wrote them in, with a mapping file taken by its content (every upload stores its mapping under a
 * new name). The report folder is not part of it.
 */
async function optionsKey(options: SubmitRequest['options']): Promise<string> {
  const { reportDir: _ignored, ...rest } = options;
  const canonical: Record<string, unknown> = { ...rest };
  // An unreadable mapping is the import's to report (it fails with the file's name); here it is its path.
  if (rest.mapping) {
    const path = rest.mapping;
    canonical.mapping = await fileHash(path).then(
      (hash) => `sha256:${hash}`,
      () => `path:${path}`,
    );
  }
  const sorted = Object.keys(canonical)
    .sort()
    .filter((k) => canonical[k] !== undefined)
    .map((k) => [k, canonical[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

export class ImportService {
  constructor(
    private readonly store: ImportStore,
    private readonly queues: Queues,
    private readonly settings: QueueSettings,
    private readonly reportRoot: string,
    private readonly redis: Redis,
    private readonly profiles: MappingProfiles,
    private readonly sealer: Sealer,
  ) {}

  /**
   * Submits a file as an import — once: while an import of the same bytes with the same options is under
   * way, submitting it again (a double upload, the same export dropped in the folder and fetched by the
   * nightly job) returns that import instead of starting a second one.
   */
  async submitOnce(request: SubmitRequest): Promise<Submitted> {
    const key = await this.activeKey(request);
    const id = newImportId();
    const other = await claimOnce(this.redis, this.store, key, id, this.settings.retentionSec * 1000);
    if (other) return { importId: other, duplicate: true };
    await this.submitAs(id, request);
    return { importId: id, duplicate: false };
  }

  /** The import of these bytes with these options under way now, if any (what submitOnce would join). */
  async activeImport(request: Pick<SubmitRequest, 'filePath' | 'options'>): Promise<string | null> {
    const other = await this.redis.get(await this.activeKey(request));
    const state = other ? await this.store.state(other) : null;
    return other && state && !isTerminal(state) ? other : null;
  }

  private async activeKey(request: Pick<SubmitRequest, 'filePath' | 'options'>): Promise<string> {
    const [hash, options] = await Promise.all([fileHash(request.filePath), optionsKey(request.options)]);
    return importKeys(this.settings.prefix).activeFile(hash, options);
  }

  async submit(request: SubmitRequest): Promise<string> {
    const id = newImportId();
    await this.submitAs(id, request);
    return id;
  }

  private async submitAs(id: string, request: SubmitRequest): Promise<void> {
    const { reportDir, ...options } = request.options;
    await this.store.create({
      id,
      kind: 'sync',
      origin: request.origin,
      fileName: request.fileName ?? basename(request.filePath),
      filePath: request.filePath,
      submittedBy: request.submittedBy ?? request.origin,
      options: { ...options, reportDir: reportDir ?? `${this.reportRoot}/${id}` },
    });
    await this.queues.imports.add(
      JOB_NAMES.import,
      { importId: id },
      importJobOptions(this.settings, jobIds.import(id)),
    );
  }

  get(id: string): Promise<ImportMeta | null> {
    return this.store.get(id);
  }

  /** The newest imports still kept (JOB_RETENTION_SEC), newest first. */
  async list(offset: number, limit: number): Promise<ImportMeta[]> {
    const ids = await this.store.list(offset, limit);
    const metas = await Promise.all(ids.map((id) => this.store.get(id)));
    return metas.filter((m): m is ImportMeta => m !== null);
  }

  /** The import's row results so far, in row order. */
  results(meta: Pick<ImportMeta, 'id' | 'lastRow' | 'sheetEnds'>): AsyncGenerator<RowResult> {
    return this.store.results(meta.id, meta.lastRow, undefined, meta.sheetEnds);
  }

  /**
   * Cancels the rows not yet sent: they end `skipped`; rows already synced keep their outcome, and the
   * import still ends with a full report (state `cancelled`). The flag stops every row job not yet
   * started from calling EnKash; the rows waiting in the queue are taken out and reported at once, so
   * only the rows already in a worker's hands still complete (the import shows `cancelling` until then).
   * `by`: who cancels (an API key's name), shown in the import's state reason.
   */
  async cancel(id: string, by?: string): Promise<boolean> {
    const state = await this.store.state(id);
    if (!state || isTerminal(state)) return false;
    const now = new Date().toISOString();
    // Who asked first is who cancelled it: a second request changes nothing.
    const who = (await this.store.cancelRequested(id))
      ? {}
      : { cancelRequestedAt: now, ...(by ? { cancelledBy: by } : {}) };
    // A held import has sent nothing and runs no job: it ends at once.
    if (state === 'needs-review') {
      await this.store.setState(id, 'cancelled', { finishedAt: now, ...who });
      return true;
    }
    await this.store.set(id, { cancelRequested: 1, ...who });
    await dropQueuedRows(
      { queues: this.queues, store: this.store, sealer: this.sealer, settings: this.settings },
      id,
    );
    return true;
  }

  /** The import's reading plan (null until its file has been read). */
  async plan(id: string, options: { waitForCountsMs?: number } = {}): Promise<ReadingPlan | null> {
    const deadline = Date.now() + (options.waitForCountsMs ?? 0);
    for (;;) {
      const plan = await this.store.getPlan<ReadingPlan>(id);
      if (!plan?.countedBy || plan.expected) return plan;
      // A held import's expected counts come from the dry run started beside it (./expected-counts.ts).
      const counted = withExpected(plan, await this.store.get(plan.countedBy));
      if (counted.final || Date.now() >= deadline) return counted.plan;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Approves a held import's reading as its plan shows it: the import continues (a new run of its import
   * job), and the reading becomes the header set's saved profile.
   */
  async approve(id: string): Promise<ReviewAnswer> {
    return this.reviewing(id, async (meta) => {
      const round = meta.reviewRound + 1;
      await this.store.setOptions(id, { ...meta.options, approved: true });
      await this.store.setState(id, 'queued', { reviewRound: round, approvedAt: new Date().toISOString() });
      // The first import job is kept (JOB_RETENTION_SEC): a new id per approval, or BullMQ would ignore it.
      await this.queues.imports.add(
        JOB_NAMES.import,
        { importId: id },
        importJobOptions(this.settings, `${jobIds.import(id)}.${round}`),
      );
      return { ok: true, meta: { ...meta, state: 'queued' } };
    });
  }

  /**
   * Corrects a held import's reading (header → field, null to ignore a column) and makes its plan again.
   * The import stays held: approving the new plan is a separate step.
   */
  remap(id: string, columns: ColumnOverrides): Promise<ReviewAnswer & { plan?: ReadingPlan }> {
    return this.reviewing(id, (meta) => this.replan(meta, columns));
  }

  private async replan(
    meta: ImportMeta,
    columns: ColumnOverrides,
  ): Promise<ReviewAnswer & { plan?: ReadingPlan }> {
    const id = meta.id;
    const map = { ...meta.options.map, ...columns };
    const file = await ingestFile(meta.filePath, readingOptions(meta, this.profiles, { map }));
    await file.close();
    const corrected = { ...meta, options: { ...meta.options, map } };
    await this.store.setOptions(id, corrected.options);
    const gated = gatedPlan(file.plan, corrected.options);
    const plan = { ...gated, countedBy: await startCounting(this.countingDeps(), corrected) };
    await this.store.setPlan(id, plan, metaDoubts(gated));
    return { ok: true, meta, plan };
  }

  /**
   * Runs one review action (approve, remap) on a held import, one at a time: two approvals at once (a
   * double click, two people, the CLI beside the web page) would both see `needs-review` and both continue
   * the import. The second waits for the first, then finds the import no longer held.
   */
  private async reviewing<T>(id: string, act: (meta: ImportMeta) => Promise<T>): Promise<T | ReviewAnswer> {
    const key = importKeys(this.settings.prefix).review(id);
    const owner = randomBytes(8).toString('hex');
    const deadline = Date.now() + REVIEW_WAIT_MS;
    while (!(await takeOwned(this.redis, key, owner, REVIEW_LOCK_MS))) {
      if (Date.now() > deadline) throw new Error(`import ${id}: another review action is still running`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      const meta = await this.store.get(id);
      if (!meta) return { ok: false, reason: 'not-found' };
      if (meta.state !== 'needs-review') return { ok: false, reason: 'not-held', state: meta.state };
      return await act(meta);
    } finally {
      await releaseOwned(this.redis, key, owner);
    }
  }

  private countingDeps() {
    return { store: this.store, queues: this.queues, settings: this.settings };
  }

  /** Polls until the import ends, calling `onProgress` with each reading. */
  async waitFor(
    id: string,
    onProgress: (meta: ImportMeta) => void,
    options: { pollMs?: number; signal?: AbortSignal } = {},
  ): Promise<ImportMeta> {
    for (;;) {
      const meta = await this.store.get(id);
      if (!meta) throw new Error(`import ${id} not found`);
      onProgress(meta);
      if (isTerminal(meta.state) || meta.state === 'needs-review') return meta;
      if (options.signal?.aborted) return meta;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  }
}
