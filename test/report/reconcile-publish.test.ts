import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RowResult } from '../../src/domain/types.js';
import { ReportReconcileError } from '../../src/report/reconcile.js';
import { writeReport } from '../../src/report/write-report.js';
import { input, listDir, result, summary, tempDir } from './helpers.js';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ root, cleanup } = await tempDir()));
afterEach(async () => cleanup());

async function rejection(promise: Promise<unknown>): Promise<ReportReconcileError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReportReconcileError);
  return err as ReportReconcileError;
}

describe('reconciliation', () => {
  const cases: [string, RowResult[], number, string][] = [
    ['a missing row', [result(2, 'created'), result(4, 'created')], 3, 'row-count'],
    [
      'a duplicate row',
      [result(2, 'created'), result(3, 'created'), result(3, 'failed')],
      3,
      'duplicate-row',
    ],
    ['rows out of order', [result(3, 'created'), result(2, 'created')], 2, 'row-order'],
    ['more results than rows read', [result(2, 'created'), result(3, 'created')], 1, 'row-count'],
    ['an unknown outcome', [result(2, 'exploded' as never)], 1, 'unknown-outcome'],
    ['a row number that is not a positive integer', [result(0, 'created')], 1, 'row-number'],
  ];

  it.each(cases)('publishes nothing for %s', async (_name, results, rowsRead, problem) => {
    const dir = join(root, 'imp-1');
    const err = await rejection(writeReport({ ...input(dir, results), summary: summary(rowsRead) }));
    expect(err.problem).toBe(problem);
    expect(await listDir(root)).toEqual([]);
  });

  it('leaves a previous report in place when the new one does not reconcile', async () => {
    const dir = join(root, 'imp-1');
    await writeReport(input(dir, [result(2, 'created')]));
    const before = await readFile(join(dir, 'results.csv'), 'utf8');
    await rejection(writeReport({ ...input(dir, [result(2, 'failed')]), summary: summary(2) }));
    expect(await readFile(join(dir, 'results.csv'), 'utf8')).toBe(before);
    expect(await listDir(root)).toEqual(['imp-1']);
  });

  it('removes the temp folder when the results stream itself fails', async () => {
    async function* broken(): AsyncGenerator<RowResult> {
      yield result(2, 'created');
      throw new Error('redis went away');
    }
    const report = writeReport({ ...input(join(root, 'imp-1'), []), results: broken(), summary: summary(2) });
    await expect(report).rejects.toThrow('redis went away');
    expect(await listDir(root)).toEqual([]);
  });
});

describe('publishing', () => {
  it('shows no report folder while the report is being written', async () => {
    const dir = join(root, 'imp-1');
    const seen: { final: boolean; temp: string[] }[] = [];
    async function* watched(): AsyncGenerator<RowResult> {
      for (let row = 2; row < 6; row += 1) {
        seen.push({ final: existsSync(dir), temp: await readdir(root) });
        yield result(row, 'created');
      }
    }
    await writeReport({ ...input(dir, []), results: watched(), summary: summary(4) });
    for (const s of seen) {
      expect(s.final).toBe(false);
      expect(s.temp).toEqual([expect.stringMatching(/^imp-1\.tmp-/)]);
    }
    expect(await listDir(root)).toEqual(['imp-1']);
  });

  it('replaces an existing report folder whole, leaving nothing beside it', async () => {
    const dir = join(root, 'imp-1');
    await writeReport(input(dir, [result(2, 'failed')]));
    const files = await writeReport(input(dir, [result(2, 'created'), result(3, 'updated')]));
    expect(files.counts).toMatchObject({ created: 1, updated: 1, failed: 0 });
    const csv = await readFile(files.resultsCsv, 'utf8');
    expect(csv).toContain('C-3');
    expect(csv).not.toContain('failed');
    expect(await listDir(root)).toEqual(['imp-1']);
    expect(await listDir(dir)).toEqual([
      'errors.csv',
      'failed.csv',
      'results.csv',
      'results.xlsx',
      'summary.json',
    ]);
  });

  it("creates the report folder's parent when it does not exist", async () => {
    const files = await writeReport(input(join(root, 'reports', '2026-11', 'imp-1'), [result(2, 'created')]));
    expect(existsSync(files.summaryJson)).toBe(true);
  });
});
