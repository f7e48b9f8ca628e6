/**
 * Large imports: the writer must stream. Memory is measured as what stays reachable (heap + Buffers right
 * after a full garbage collection, sampled while the results are produced), so garbage the collector has
 * not reached yet cannot move the figure. How fast is not a test's business (no timing is asserted).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RowResult } from '../../src/domain/types.js';
import { writeReport } from '../../src/report/write-report.js';
import type { ReportSummaryFile } from '../../src/report/types.js';
import { result, summary, tempDir } from './helpers.js';

const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Bytes still reachable: a full collection first, so the sample does not depend on when V8 last ran one. */
function usedBytes(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Results made on demand (as the real source does), every 50th row failed, sampling memory as it goes. */
async function* generated(rows: number, samples: number[]): AsyncGenerator<RowResult> {
  for (let i = 0; i < rows; i += 1) {
    if (i % 20_000 === 0) samples.push(usedBytes());
    const row = i + 2;
    yield i % 50 === 0
      ? result(row, 'failed', { errors: `EnKash said no to row ${row}, a long reason ${'x'.repeat(60)}` })
      : result(row, 'updated', { changes: `legalName: "Old ${row}" → "New ${row}"; city: "" → "Pune"` });
  }
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    for (const byte of chunk as Buffer) if (byte === 0x0a) lines += 1;
  }
  return lines;
}

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ root, cleanup } = await tempDir()));
afterEach(async () => cleanup());

async function writeMany(rows: number): Promise<{ growthMb: number; dir: string }> {
  const samples: number[] = [];
  const baseline = usedBytes();
  const dir = join(root, `imp-${rows}`);
  await writeReport({
    dir,
    summary: summary(rows),
    results: generated(rows, samples),
    sourceHeaders: ['Customer Code'],
  });
  return { growthMb: (Math.max(...samples) - baseline) / MB, dir };
}

describe('large reports', () => {
  it('writes 100,000 rows without holding them in memory', async () => {
    const rows = 100_000;
    const { growthMb, dir } = await writeMany(rows);
    console.log(`100k rows: peak reachable heap+buffers growth ${growthMb.toFixed(1)} MB`);
    // results.csv alone is ~17 MB of text, held as ~35 MB (its "→" makes V8 keep it two bytes a
    // character), the Results sheet XML ~75 MB, the row results ~30 MB: holding any of them would stay
    // reachable and show; streaming keeps only the writers' buffers (7.7 MB at 200,000 rows).
    expect(growthMb).toBeLessThan(24);
    expect(await countLines(join(dir, 'results.csv'))).toBe(rows + 1);
    // The failed rows are 500s (nothing wrong in them): failed.csv, to retry.
    expect(await countLines(join(dir, 'failed.csv'))).toBe(rows / 50 + 1);
    expect(await countLines(join(dir, 'errors.csv'))).toBe(1);
    const json = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as ReportSummaryFile;
    expect(json.counts).toMatchObject({ updated: rows - rows / 50, failed: rows / 50 });
  });
});
