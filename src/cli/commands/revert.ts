/**
 * `customer-sync revert IMPORT_ID [--dry-run]`: undo an import (src/sync/revert-service.ts). A new
 * import, linked to it (`revertOf`), puts back every field it changed, reverses its activations and
 * deactivations and deactivates the customers it created; a row changed since is reported `conflict` and
 * left as it is. Progress, report and exit codes as `sync` (1 when any row is `conflict` or `failed`).
 */
import type { Command } from 'commander';
import { UserError } from '../../domain/errors.js';
import { follow, followedExit, followedImportCommand, withFollowSession } from '../follow-import.js';

export function registerRevert(program: Command): void {
  followedImportCommand<{ dryRun?: boolean; localWorker: boolean }>(
    program,
    'revert',
    'Undo an import: put back what it changed in EnKash, deactivate the customers it created',
    (importId, flags) => revert(importId, flags.dryRun === true, flags.localWorker),
  ).option('--dry-run', 'read EnKash and report what the revert would do; write nothing');
}

function revert(importId: string, dryRun: boolean, localWorker: boolean): Promise<number> {
  return withFollowSession(localWorker, async ({ app, stopped }) => {
    const answer = await app.reverts.revert(importId, { dryRun, origin: 'cli' });
    if (!answer.ok) {
      if (answer.reason !== 'wrote-nothing') throw new UserError(answer.message);
      console.log(answer.message);
      return 0;
    }
    if (localWorker) app.startWorkers();
    console.error(
      `import ${answer.importId}: ${dryRun ? 'dry run of the ' : ''}revert of ${importId}, ` +
        `${answer.rows} row(s) it wrote` +
        (answer.duplicate ? ' (already under way: following it)' : ''),
    );
    return followedExit(await follow(app, answer.importId, stopped), stopped);
  });
}
