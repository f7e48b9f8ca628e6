/**
 * `customer-sync retry IMPORT_ID`: a new import of the same file, of only the rows in the first one's
 * failed.csv — the rows that failed on EnKash's side (5xx, timeouts, 429s, the network) with nothing wrong
 * in them. Rows to fix (errors.csv) are left out: sending them again would fail the same way. The new
 * import links to the first (`retryOf`) and writes its own report.
 *
 * `customer-sync resume IMPORT_ID`: the same for a cancelled import's rows its cancel left unsent
 * (`resumeOf`). Both are follow-ups (src/sync/follow-up.ts), as the API's retry-failed and resume.
 */
import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { submitFollowUp, type FollowUpKind } from '../../sync/follow-up.js';
import { follow, followedExit, followedImportCommand, withFollowSession } from '../follow-import.js';
import { EXIT_HELD, heldText } from '../review.js';

export function registerFollowUps(program: Command): void {
  followedImportCommand(
    program,
    'retry',
    "Sync again only the rows of an import that failed on EnKash's side (its failed.csv)",
    (importId, flags) => followUp('retry', importId, flags.localWorker),
  );
  followedImportCommand(
    program,
    'resume',
    'Sync the rows a cancelled import left unsent (skipped because of the cancel)',
    (importId, flags) => followUp('resume', importId, flags.localWorker),
  );
}

function followUp(kind: FollowUpKind, importId: string, localWorker: boolean): Promise<number> {
  return withFollowSession(localWorker, async ({ app, config, stopped }) => {
    const meta = await app.imports.get(importId);
    if (!meta) {
      throw new UserError(
        `no import ${importId} in Redis (imports are kept JOB_RETENTION_SEC, ${config.sync.retentionSec} s)`,
      );
    }
    const answer = await submitFollowUp(app.imports, meta, kind, { origin: 'cli' });
    if (!answer.ok) {
      // Nothing to send again is an answer, not an error.
      if (answer.reason !== 'nothing-to-retry' && answer.reason !== 'nothing-to-resume')
        throw new UserError(answer.message);
      console.log(answer.message);
      return 0;
    }
    if (localWorker) app.startWorkers();
    console.error(answer.message);
    const done = await follow(app, answer.importId, stopped);
    if (done.state === 'needs-review') {
      console.error(heldText(answer.importId));
      return EXIT_HELD;
    }
    return followedExit(done, stopped);
  });
}
