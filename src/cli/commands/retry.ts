/**
 * `customer-sync retry IMPORT_ID`: a new import of the same file, of only the rows in the first one's
 * failed.csv — the rows that failed on EnKash's side (5xx, timeouts, 429s, the network) with nothing wrong
 * in them. Rows to fix (errors.csv) are left out: sending them again would fail the same way. The new
 * import links to the first (`retryOf`) and writes its own report.
 */
import { access } from 'node:fs/promises';
import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { isTerminal } from '../../domain/import-lifecycle.js';
import { isRetryableFailure } from '../../report/result-cells.js';
import { follow, followedExit, followedImportCommand, withFollowSession } from '../follow-import.js';
import { EXIT_HELD, heldText } from '../review.js';

export function registerRetry(program: Command): void {
  followedImportCommand(
    program,
    'retry',
    "Sync again only the rows of an import that failed on EnKash's side (its failed.csv)",
    (importId, flags) => retry(importId, flags.localWorker),
  );
}

function retry(importId: string, localWorker: boolean): Promise<number> {
  return withFollowSession(localWorker, async ({ app, config, stopped }) => {
    const meta = await app.imports.get(importId);
    if (!meta) {
      throw new UserError(
        `no import ${importId} in Redis (imports are kept JOB_RETENTION_SEC, ${config.sync.retentionSec} s)`,
      );
    }
    if (!isTerminal(meta.state))
      throw new UserError(`import ${importId} is ${meta.state}: retry once it has finished`);
    if (meta.kind === 'revert')
      throw new UserError(
        `import ${importId} is a revert: run \`customer-sync revert ${meta.options.revertOf ?? ''}\` again`,
      );
    const rows: number[] = [];
    let toFix = 0;
    for await (const result of app.imports.results(meta)) {
      if (isRetryableFailure(result)) rows.push(result.row);
      else if (result.outcome === 'failed' || result.outcome === 'invalid') toFix++;
    }
    if (rows.length === 0) {
      console.log(
        `import ${importId} has no rows to retry` +
          (toFix > 0 ? ` (${toFix} to fix: see its errors.csv)` : ''),
      );
      return 0;
    }
    try {
      await access(meta.filePath);
    } catch {
      throw new UserError(
        `the file of import ${importId} (${meta.filePath}) is no longer there: sync it again`,
      );
    }
    if (localWorker) app.startWorkers();
    const { reportDir: _own, ...options } = meta.options;
    const submitted = await app.imports.submitOnce({
      filePath: meta.filePath,
      fileName: meta.fileName,
      origin: 'cli',
      options: { ...options, retryOf: meta.id, onlyRows: rows },
    });
    console.error(
      `import ${submitted.importId}: ${rows.length} failed row(s) of ${importId} again` +
        (toFix > 0 ? ` (${toFix} row(s) to fix are left out: see errors.csv)` : ''),
    );
    const done = await follow(app, submitted.importId, stopped);
    if (done.state === 'needs-review') {
      console.error(heldText(submitted.importId));
      return EXIT_HELD;
    }
    return followedExit(done, stopped);
  });
}
