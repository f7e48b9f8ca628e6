/**
 * Undo an import: `customer-sync revert IMPORT_ID`, `POST /imports/{id}/revert`. A revert is an import of
 * its own (kind `revert`, linked by `revertOf`), with its own id, progress, dry run, cancel and report; its
 * `revert` job (src/sync/revert-job.ts) reads what the reverted import wrote.
 *
 * Decisions (README "Undo an import"): only a finished import that wrote (not a dry run, not `validate`)
 * can be reverted; while a revert of an import is under way, asking again answers that revert (as an
 * identical upload does); reverting the same import again later finds the rows already back and reports
 * them `unchanged`; reverting a revert redoes what the first import wrote.
 */
import type { Redis } from 'ioredis';
import { isTerminal } from '../domain/import-lifecycle.js';
import type { ImportMeta, ImportStore } from '../queue/import-store.js';
import { JOB_NAMES, importJobOptions, jobIds, type QueueSettings, type Queues } from '../queue/queues.js';
import { claimOnce } from './claim-once.js';
import { newImportId, type SubmitRequest, type Submitted } from './import-service.js';
import { isWriteOutcome } from '../domain/types.js';

export type RevertRequest = {
  dryRun: boolean;
  origin: SubmitRequest['origin'];
  submittedBy?: string;
};

export type RevertRefusal = 'not-found' | 'not-finished' | 'wrote-nothing';

export type RevertAnswer =
  (Submitted & { ok: true; rows: number }) | { ok: false; reason: RevertRefusal; message: string };

export type RevertServiceDeps = {
  store: ImportStore;
  queues: Queues;
  settings: QueueSettings;
  /** Report folders go in REPORT_DIR/<revert id>/ like any import's. */
  reportRoot: string;
  redis: Redis;
};

export class RevertService {
  private readonly store: ImportStore;
  private readonly settings: QueueSettings;

  constructor(private readonly deps: RevertServiceDeps) {
    this.store = deps.store;
    this.settings = deps.settings;
  }

  async revert(importId: string, request: RevertRequest): Promise<RevertAnswer> {
    const meta = await this.store.get(importId);
    const refusal = meta ? await this.refusal(meta) : notFound(importId, this.settings.retentionSec);
    if (refusal) return refusal;
    const original = meta as ImportMeta;
    const rows = await this.writtenRows(original);
    if (rows === 0)
      return refuse('wrote-nothing', `import ${importId} wrote nothing in EnKash: nothing to revert`);
    const id = newImportId();
    const key = `${this.settings.prefix}:revert-of:${importId}:${request.dryRun ? 'dry-run' : 'write'}`;
    const other = await claimOnce(this.deps.redis, this.store, key, id, this.settings.retentionSec * 1000);
    if (other) return { ok: true, importId: other, duplicate: true, rows };
    await this.store.create({
      id,
      kind: 'revert',
      origin: request.origin,
      fileName: `revert of ${original.fileName}`,
      filePath: '',
      submittedBy: request.submittedBy ?? request.origin,
      options: {
        mode: original.options.mode,
        matchKey: original.options.matchKey,
        dryRun: request.dryRun,
        revertOf: original.id,
        reportDir: `${this.deps.reportRoot}/${id}`,
      },
    });
    await this.deps.queues.imports.add(
      JOB_NAMES.revert,
      { importId: id },
      importJobOptions(this.settings, jobIds.import(id)),
    );
    return { ok: true, importId: id, duplicate: false, rows };
  }

  private async refusal(meta: ImportMeta): Promise<RevertAnswer | null> {
    if (!isTerminal(meta.state)) {
      return refuse('not-finished', `import ${meta.id} is ${meta.state}: revert it once it has finished`);
    }
    if (meta.kind === 'validate' || meta.options.dryRun) {
      const what = meta.kind === 'validate' ? 'a validation' : 'a dry run';
      return refuse('wrote-nothing', `import ${meta.id} was ${what}: it wrote nothing, nothing to revert`);
    }
    return null;
  }

  /** Rows the import wrote (created, updated, activated, deactivated). */
  private async writtenRows(meta: ImportMeta): Promise<number> {
    let n = 0;
    for await (const result of this.store.results(meta.id, meta.lastRow, undefined, meta.sheetEnds))
      if (isWriteOutcome(result.outcome)) n++;
    return n;
  }
}

function refuse(reason: RevertRefusal, message: string): RevertAnswer {
  return { ok: false, reason, message };
}

function notFound(id: string, retentionSec: number): RevertAnswer {
  return refuse(
    'not-found',
    `no import ${id} in Redis (imports are kept JOB_RETENTION_SEC, ${retentionSec} s)`,
  );
}
