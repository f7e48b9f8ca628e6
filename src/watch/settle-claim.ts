/**
 * Takes one claimed file in processing/ to its end, exactly once, whoever resumes it: the content hash
 * and the import id are written to the sidecar and the ledger as soon as they are known, so a watcher
 * restarted mid-file follows the import already submitted instead of submitting a second one.
 */
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { ImportMeta } from '../queue/import-store.js';
import { maskText } from '../domain/mask.js';
import { FileReadError } from '../ingest/raw-row.js';
import { DEFAULT_READ_LIMITS } from '../ingest/read/limits.js';
import { privateCopy } from '../ingest/read/private-copy.js';
import { type ImportService, type SubmitRequest, type Submitted } from '../sync/import-service.js';
import { originalName, readSidecar, settleFile, writeSidecar, type Layout, type Sidecar } from './folders.js';
import type { WatchLedger } from './ledger.js';
import { holdForReview } from './review-folder.js';
import { pathExists } from '../domain/path-exists.js';
import { isTerminal } from '../domain/import-lifecycle.js';

export type SettleDeps = {
  layout: Layout;
  ledger: WatchLedger;
  imports: ImportService;
  logger: Logger;
  importOptions: SubmitRequest['options'];
  /** Where each claimed file's private copy is made (under UPLOAD_DIR): what is imported is that copy. */
  copyDir: string;
};

export type Settled = 'done' | 'failed' | 'duplicate' | 'interrupted' | 'gone' | 'held';

/** How far back a resumed claim without a recorded import id looks for the import it may have made. */
const RECENT_IMPORTS = 500;

export async function settleClaim(
  deps: SettleDeps,
  claimName: string,
  signal: AbortSignal,
): Promise<Settled> {
  const { layout, ledger, logger } = deps;
  const path = join(layout.processing, claimName);
  if (!(await pathExists(path))) return 'gone';
  const log = logger.child({ file: originalName(claimName), claim: claimName });
  const sidecar: Sidecar = (await readSidecar(layout, claimName)) ?? {
    originalName: originalName(claimName),
    claimedAt: new Date().toISOString(),
  };
  // Read once, through one handle that follows no link and waits on no FIFO, into a private copy: a name
  // swapped after the claim (a link to a private file, a FIFO) is never read, and no import stalls on it.
  const copy = join(deps.copyDir, claimName);
  let hash = sidecar.hash;
  if (!hash || !(await pathExists(copy))) {
    try {
      hash = await privateCopy(path, copy, sidecar.originalName, {
        singleLink: true,
        maxBytes: DEFAULT_READ_LIMITS.maxFileBytes,
      });
    } catch (err) {
      if (err instanceof FileReadError) return fail(deps, claimName, undefined, maskText(err.message));
      throw err;
    }
    await writeSidecar(layout, claimName, { ...sidecar, hash });
  }

  const earlier = await ledger.reserve(hash, claimName);
  if (earlier && earlier.claimName !== claimName && !(await isStale(deps, earlier.claimName, earlier))) {
    const text =
      `${sidecar.originalName} has the same content as ${originalName(earlier.claimName)}` +
      (earlier.importId ? `, imported as ${earlier.importId}` : '') +
      ` (${earlier.state === 'done' ? 'already imported' : 'being imported now'}). ` +
      `It was not imported again. To import it anyway, run \`customer-sync watch forget ${hash} --dir ${layout.root}\` ` +
      `and drop it in again.\n`;
    await settleFile(layout, claimName, 'failed', { note: { suffix: '.duplicate.txt', text } });
    log.info({ event: 'watch_duplicate', earlierImport: earlier.importId }, 'duplicate file not imported');
    return 'duplicate';
  }
  if (earlier && earlier.claimName !== claimName) {
    await ledger.put(hash, { claimName, state: 'importing', at: new Date().toISOString() });
  }

  let importId: string;
  // True when the same bytes were already being imported (an upload, the nightly job): this file joins it.
  let joined = false;
  try {
    const known = sidecar.importId ?? (await findImportOf(deps.imports, copy));
    if (known) importId = known;
    else ({ importId, duplicate: joined } = await submit(deps, copy, sidecar));
  } catch (err) {
    return fail(deps, claimName, hash, `could not be submitted: ${maskText((err as Error).message)}`);
  }
  if (!sidecar.importId) {
    await writeSidecar(layout, claimName, { ...sidecar, hash, importId });
    await ledger.put(hash, { claimName, state: 'importing', importId, at: new Date().toISOString() });
    log.info(
      { event: 'watch_submitted', importId, joined },
      joined ? 'file joined the import of the same content already under way' : 'file submitted',
    );
  }

  const meta = await deps.imports.waitFor(importId, () => undefined, { pollMs: 250, signal });
  if (meta.state === 'needs-review') {
    await holdForReview(layout, claimName, importId, await deps.imports.plan(importId));
    log.info(
      { event: 'watch_held', importId, doubts: meta.doubts.map((d) => d.rule) },
      'file held for review',
    );
    return 'held';
  }
  if (!isTerminal(meta.state)) return 'interrupted';
  if (meta.state !== 'done') {
    return fail(deps, claimName, hash, failureText(meta), meta.reportDir ?? meta.options.reportDir);
  }
  await settleFile(layout, claimName, 'done', { reportDir: meta.reportDir ?? meta.options.reportDir });
  await ledger.put(hash, { claimName, state: 'done', importId, at: new Date().toISOString() });
  log.info({ event: 'watch_done', importId, counts: meta.counts }, 'file imported');
  return 'done';
}

function submit(deps: SettleDeps, path: string, sidecar: Sidecar): Promise<Submitted> {
  return deps.imports.submitOnce({
    filePath: path,
    fileName: sidecar.originalName,
    origin: 'watch',
    options: deps.importOptions,
  });
}

/** A restart between submitting and recording the id: the import names this claim's unique path. */
async function findImportOf(imports: ImportService, path: string): Promise<string | undefined> {
  for (const meta of await imports.list(0, RECENT_IMPORTS)) {
    if (meta.filePath === path) return meta.id;
  }
  return undefined;
}

/** An "importing" entry whose claim left processing/ without settling the ledger (a crash mid-move). */
async function isStale(deps: SettleDeps, claimName: string, entry: { state: string }): Promise<boolean> {
  return entry.state === 'importing' && !(await pathExists(join(deps.layout.processing, claimName)));
}

async function fail(
  deps: SettleDeps,
  claimName: string,
  hash: string | undefined,
  reason: string,
  reportDir?: string,
): Promise<Settled> {
  const text = `${originalName(claimName)} was not imported: ${reason}\nFix the file and drop it into inbox/ again.\n`;
  const withReport = reportDir && (await pathExists(reportDir)) ? { reportDir } : {};
  await settleFile(deps.layout, claimName, 'failed', { ...withReport, note: { suffix: '.error.txt', text } });
  // The same bytes may be dropped again once whatever failed is fixed (a mapping file, EnKash itself).
  if (hash) await deps.ledger.release(hash, claimName);
  deps.logger.warn({ event: 'watch_failed', claim: claimName, reason }, 'file not imported');
  return 'failed';
}

function failureText(meta: ImportMeta): string {
  if (meta.state === 'cancelled') return `import ${meta.id} was cancelled`;
  // The note, the log line and the ledger outlive the import: what the file said is quoted masked.
  return `import ${meta.id} failed: ${meta.error ? maskText(meta.error) : 'the file could not be processed'}`;
}
