/** One synthetic customer row as a sync row job's work, read from a real file by the real reader. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { matchKeyString, type ValidRow } from '../../../src/domain/types.js';
import { ingestFile } from '../../../src/ingest/ingest-file.js';
import type { RowWork } from '../../../src/sync/row-sync.js';
import type { Harness } from '../../helpers/engine.js';
import { syntheticCsv } from '../../helpers/synthetic-customers.js';

export async function oneRow(harness: Harness, importId: string): Promise<RowWork> {
  const file = join(harness.dir, 'one.csv');
  await writeFile(file, syntheticCsv(1, 7));
  const ingested = await ingestFile(file, { fileName: 'one.csv', matchKey: 'uniqueRefNo' });
  for await (const event of ingested.events()) {
    if (event.kind === 'row' && event.parsed.kind === 'valid') {
      const row: ValidRow = event.parsed;
      return {
        importId,
        row,
        keyHash: harness.app.sealer.hash(matchKeyString(row.key)),
        mode: 'upsert',
        dryRun: false,
        labels: ingested.labels,
      };
    }
  }
  throw new Error('no valid row');
}
