import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("a failed row's errors", () => {
  it("name EnKash's fields by the file's columns, kept once per import (not in each row job)", async () => {
    h = await startHarness({ faults: { rejectWriteRate: 1 }, env: { WORKER_CONCURRENCY: '4' } });
    const file = join(h.dir, 'refused.csv');
    await writeFile(file, syntheticCsv(3, 21));
    const meta = await h.sync(file, {}, 60_000);

    expect(meta.counts).toMatchObject({ failed: 3 });
    const results = await h.app.store.resultsAt(meta.id, [2, 3, 4]);
    for (const result of results) {
      expect(result?.errorType).toBe('VALIDATION_ERROR');
      expect(result?.errors).toContain('Legal Name (column B, legalName): EnKash says is not acceptable');
    }
  });
});
