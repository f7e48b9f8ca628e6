/** Fixtures for report tests: results, a summary, temp folders, and a tiny zip reader for XLSX XML. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { expect } from 'vitest';
import type { Outcome, RowResult } from '../../src/domain/types.js';
import type { ReportInput, ReportSummary } from '../../src/report/types.js';

export function result(row: number, outcome: Outcome, extra: Partial<RowResult> = {}): RowResult {
  return {
    row,
    uniqueRefNo: `C-${row}`,
    legalName: `Customer ${row}`,
    outcome,
    customerId: outcome === 'invalid' ? '' : `cust_${row}`,
    attempts: outcome === 'invalid' ? 0 : 1,
    httpStatus: outcome === 'failed' ? 500 : null,
    errorType: outcome === 'invalid' ? 'INVALID_ROW' : outcome === 'failed' ? 'INTERNAL_ERROR' : '',
    errors: outcome === 'invalid' || outcome === 'failed' ? `problem on row ${row}` : '',
    warnings: '',
    requestId: outcome === 'failed' ? `req-${row}` : '',
    changes: '',
    ...extra,
  };
}

export function summary(rowsRead: number, extra: Partial<ReportSummary> = {}): ReportSummary {
  return {
    importId: 'imp-test',
    fileName: 'customers.csv',
    origin: 'cli',
    kind: 'sync',
    dryRun: false,
    options: { mode: 'upsert', matchKey: 'uniqueRefNo' },
    rowsRead,
    blankRowsSkipped: 2,
    totalsRowsSkipped: 1,
    warnings: ['column "Notes" is unused'],
    timings: {
      queuedAt: '2026-11-02T10:00:00.000Z',
      startedAt: '2026-11-02T10:00:01.000Z',
      finishedAt: '2026-11-02T10:00:31.000Z',
      durationMs: 30_000,
    },
    enkashCalls: { create: 3, search: 5 },
    ...extra,
  };
}

export async function* iterate<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

export function input(dir: string, results: RowResult[], extra: Partial<ReportInput> = {}): ReportInput {
  return {
    dir,
    summary: summary(results.length),
    results: iterate(results),
    sourceHeaders: ['Customer Code', 'Customer Name', 'GSTIN/UIN'],
    ...extra,
  };
}

export async function tempDir(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'report-test-'));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function listDir(path: string): Promise<string[]> {
  return (await readdir(path)).sort();
}

/** The text of every entry of a zip (enough of the format for the archives exceljs writes). */
export async function unzipText(path: string): Promise<Map<string, string>> {
  const zip = await readFile(path);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, string>();
  for (let i = 0; i < entries; i += 1) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    files.set(name.replace(/^\//, ''), (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + skip;
  }
  return files;
}

/** Every file of both folders, the same bytes (results.xlsx: the same entries, its creation time aside). */
export async function expectSameReport(a: string, b: string): Promise<void> {
  const names = await listDir(a);
  expect(names).toEqual(await listDir(b));
  for (const name of names) {
    if (name !== 'results.xlsx') {
      expect(await readFile(join(a, name)), name).toEqual(await readFile(join(b, name)));
      continue;
    }
    const stamp = (m: Map<string, string>) =>
      [...m].map(([k, v]) => [k, v.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')] as const);
    expect(stamp(await unzipText(join(a, name)))).toEqual(stamp(await unzipText(join(b, name))));
  }
}
