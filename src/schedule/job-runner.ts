/**
 * One run of a nightly job: fetch the source → (guardrails) a dry run, held for approval when it would
 * change too much or reads too little → the real import → the run recorded. Also the approval of a held
 * run and the "has the export arrived?" check. Called by the scheduler's worker and by `jobs run`.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { App } from '../app.js';
import { maskText } from '../domain/mask.js';
import type { ImportMeta, ImportOptions } from '../queue/import-store.js';
import { raiseAlert } from './alert.js';
import { checkGuardrails } from './guardrails.js';
import { isFolderSource, type JobDefinition } from './job-definition.js';
import { RunStore, type RunOutcome } from './run-store.js';
import { copyFromFolder, download, newestInFolder, type SourceFile } from './source.js';

export type RunResult = { outcome: RunOutcome; importId?: string; rows?: number; reason?: string };

export type RunnerApp = Pick<App, 'imports' | 'client' | 'config' | 'logger' | 'redis'>;

const DAY_MS = 24 * 3600 * 1000;
const RUN_LOCK_MS = 6 * 3600 * 1000;

export class JobRunner {
  readonly runs: RunStore;
  private readonly filesDir: string;

  constructor(private readonly app: RunnerApp) {
    this.runs = new RunStore(app.redis, app.config.redis.prefix);
    this.filesDir = resolve(app.config.paths.stateDir, 'schedule');
  }

  async run(job: JobDefinition, signal?: AbortSignal): Promise<RunResult> {
    if (!(await this.runs.tryLock(job.name, RUN_LOCK_MS))) {
      return { outcome: 'skipped', reason: 'the previous run of this job is still going' };
    }
    try {
      return await this.runUnlocked(job, signal);
    } catch (err) {
      const reason = maskText((err as Error).message);
      await this.runs.record(job.name, { lastRunAt: now(), outcome: 'failed', reason, importId: undefined });
      await this.alert(job, 'run-failed', `job ${job.name} failed: ${reason}`);
      return { outcome: 'failed', reason };
    } finally {
      await this.runs.unlock(job.name);
    }
  }

  private async runUnlocked(job: JobDefinition, signal?: AbortSignal): Promise<RunResult> {
    const log = this.app.logger.child({ job: job.name });
    const file = await this.fetch(job);
    log.info({ event: 'schedule_run', file: file.name }, 'job run started');
    if (job.guardrails) {
      // The same export is being imported for real right now (uploaded, dropped in the watched folder):
      // its writes happen whatever a dry run would say, so the run follows that import instead.
      const active = await this.app.imports.activeImport({
        filePath: file.path,
        options: this.options(job, false),
      });
      if (active) {
        log.info(
          { event: 'schedule_joined', importId: active, dryRun: false },
          'the export joined the import of the same file already under way (no dry run)',
        );
        return this.finish(job, file, await this.follow(active, signal), 'import');
      }
      const dry = await this.importAndWait(job, file, true, signal);
      if (dry.state !== 'done') return this.finish(job, file, dry, 'dry run');
      // A dry run is never held (it writes nothing), but its doubts hold the run like a guardrail.
      if (dry.doubts.length > 0) return this.hold(job, file, dry, doubtText(dry));
      const before = await this.runs.get(job.name);
      const decision = checkGuardrails(job.guardrails, {
        counts: dry.counts,
        rowsRead: dry.total ?? 0,
        accountCustomers: await this.accountCustomers(),
        previousRows: before.lastSuccessRows ?? null,
      });
      if (decision.hold) return this.hold(job, file, dry, decision.reason);
    }
    return this.finish(job, file, await this.importAndWait(job, file, false, signal), 'import');
  }

  /** Runs the held file of a run that was stopped for approval, for real. */
  async approve(job: JobDefinition, signal?: AbortSignal): Promise<RunResult> {
    const record = await this.runs.get(job.name);
    if (record.outcome !== 'awaiting-approval' || !record.heldFile) {
      return { outcome: 'skipped', reason: `job ${job.name} has no run awaiting approval` };
    }
    const file = {
      path: record.heldFile,
      name: record.heldName ?? job.name,
      mtimeMs: record.heldSourceMtimeMs ?? 0,
    };
    this.app.logger.info({ event: 'schedule_approved', job: job.name }, 'held run approved');
    // The person approving the run approves its reading too (and it is saved for tomorrow's export).
    const held = record.heldImportId ? await this.app.imports.approve(record.heldImportId) : null;
    const meta = held?.ok
      ? await this.follow(held.meta.id, signal)
      : await this.importAndWait(job, file, false, signal, true);
    const result = await this.finish(job, file, meta, 'import');
    if (result.outcome === 'imported') {
      await rm(file.path, { force: true });
      await this.runs.record(job.name, {
        heldFile: undefined,
        heldName: undefined,
        heldSourceMtimeMs: undefined,
        heldImportId: undefined,
      });
    }
    return result;
  }

  /** At `expectedBy`: has a new export arrived in the source folder since the last run? */
  async checkArrival(job: JobDefinition): Promise<boolean> {
    if (!isFolderSource(job.source)) return true; // a URL has nothing to look at before the run fetches it
    const newest = await newestInFolder(job.source, this.app.config.paths.jobSourceRoots);
    const record = await this.runs.get(job.name);
    const since = record.sourceMtimeMs ?? Date.now() - DAY_MS;
    if (newest && newest.mtimeMs > since) return true;
    await this.alert(job, 'export-missing', missingText(job, newest, since), {
      folder: job.source.folder,
      glob: job.source.glob,
    });
    return false;
  }

  private async fetch(job: JobDefinition): Promise<SourceFile> {
    if (!isFolderSource(job.source))
      return download(job.source, join(this.filesDir, job.name), this.app.config.outboundAllowPrivate);
    const newest = await newestInFolder(job.source, this.app.config.paths.jobSourceRoots);
    if (!newest) throw new Error(`no file matching ${job.source.glob} in ${job.source.folder}`);
    return copyFromFolder(newest, join(this.filesDir, job.name));
  }

  private options(job: JobDefinition, dryRun: boolean, approved = false): Omit<ImportOptions, 'reportDir'> {
    return {
      mode: job.mode,
      dryRun,
      ...(approved ? { approved } : {}),
      matchKey: job.matchKey,
      ...(job.preset ? { preset: job.preset } : {}),
      ...(job.mapping ? { mapping: job.mapping } : {}),
      ...(job.sheet ? { sheet: job.sheet } : {}),
    };
  }

  private follow(importId: string, signal?: AbortSignal): Promise<ImportMeta> {
    return this.app.imports.waitFor(importId, () => undefined, {
      pollMs: 500,
      ...(signal ? { signal } : {}),
    });
  }

  private async importAndWait(
    job: JobDefinition,
    file: SourceFile,
    dryRun: boolean,
    signal?: AbortSignal,
    approved = false,
  ) {
    const { importId, duplicate } = await this.app.imports.submitOnce({
      filePath: file.path,
      fileName: file.name,
      origin: 'schedule',
      submittedBy: `schedule:${job.name}`,
      options: this.options(job, dryRun, approved),
    });
    if (duplicate) {
      this.app.logger.info(
        { event: 'schedule_joined', job: job.name, importId, dryRun },
        'the export joined the import of the same file already under way',
      );
    }
    return this.follow(importId, signal);
  }

  private async finish(
    job: JobDefinition,
    file: SourceFile,
    meta: ImportMeta,
    what: string,
  ): Promise<RunResult> {
    const rows = meta.total ?? meta.done;
    if (meta.state === 'needs-review') return this.hold(job, file, meta, doubtText(meta));
    if (meta.state !== 'done') {
      // Kept in Redis, logged and sent to the webhook: what the file said is quoted masked.
      const reason = `${what} ${meta.id} ended ${meta.state}${meta.error ? `: ${maskText(meta.error)}` : ''}`;
      await this.runs.record(job.name, {
        lastRunAt: now(),
        outcome: 'failed',
        importId: meta.id,
        rows,
        reason,
        sourceMtimeMs: file.mtimeMs,
      });
      await this.alert(job, 'run-failed', `job ${job.name}: ${reason}`, { importId: meta.id });
      return { outcome: 'failed', importId: meta.id, rows, reason };
    }
    await this.runs.record(job.name, {
      lastRunAt: now(),
      outcome: 'imported',
      importId: meta.id,
      rows,
      reason: undefined,
      sourceMtimeMs: file.mtimeMs,
      lastSuccessAt: now(),
      lastSuccessRows: rows,
    });
    this.app.logger.info(
      { event: 'schedule_imported', job: job.name, importId: meta.id, counts: meta.counts },
      'job run imported',
    );
    return { outcome: 'imported', importId: meta.id, rows };
  }

  /** Keeps a copy of the file (the folder's newest may change before someone approves) and says why. */
  private async hold(
    job: JobDefinition,
    file: SourceFile,
    dry: ImportMeta,
    reason: string,
  ): Promise<RunResult> {
    const heldDir = join(this.filesDir, job.name);
    await mkdir(heldDir, { recursive: true });
    const heldFile = join(heldDir, `held${extname(file.name)}`);
    await copyFile(file.path, heldFile);
    const rows = dry.total ?? dry.done;
    const heldImport = dry.state === 'needs-review';
    await this.runs.record(job.name, {
      lastRunAt: now(),
      outcome: 'awaiting-approval',
      dryRunId: heldImport ? undefined : dry.id,
      heldImportId: heldImport ? dry.id : undefined,
      importId: undefined,
      rows,
      reason,
      sourceMtimeMs: file.mtimeMs,
      heldFile,
      heldName: file.name,
      heldSourceMtimeMs: file.mtimeMs,
    });
    const where = heldImport
      ? `Reading plan: GET /imports/${dry.id}/plan`
      : `Dry-run report: ${dry.reportDir ?? dry.options.reportDir}`;
    const message = `job ${job.name} is waiting for approval: ${reason}. ${where}. Run \`customer-sync jobs approve ${job.name}\` to write it.`;
    await this.alert(
      job,
      'awaiting-approval',
      message,
      heldImport ? { importId: dry.id } : { dryRunId: dry.id },
    );
    return { outcome: 'awaiting-approval', rows, reason };
  }

  private async accountCustomers(): Promise<number> {
    const answer = await this.app.client.searchCustomers({ customerStatus: 'ALL' }, { limit: 1, offset: 0 });
    return answer.recordsCount ?? 0;
  }

  private alert(
    job: JobDefinition,
    kind: 'export-missing' | 'awaiting-approval' | 'run-failed',
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    return raiseAlert(this.app.logger, this.app.config.alertWebhook, {
      kind,
      job: job.name,
      message,
      ...extra,
    });
  }
}

function missingText(job: JobDefinition, newest: SourceFile | null, since: number): string {
  const where = isFolderSource(job.source) ? `${job.source.folder}/${job.source.glob}` : job.name;
  const last = newest
    ? `the newest, ${newest.name}, is from ${new Date(newest.mtimeMs).toISOString()}`
    : 'there is none';
  return `job ${job.name}: no new export in ${where} since ${new Date(since).toISOString()} (${last}); expected by ${job.expectedBy ?? '?'} ${job.schedule.timezone}. Check the ERP's export.`;
}

function doubtText(meta: ImportMeta): string {
  return `the reading of the file is in doubt (${meta.doubts.map((d) => d.message).join('; ')})`;
}

function now(): string {
  return new Date().toISOString();
}
