/** Report times in the configured zone, with the offset; summary.json keeps UTC beside them. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { localTimeText, localTimestamp } from '../../src/report/local-time.js';
import type { ReportSummaryFile } from '../../src/report/types.js';
import { writeReport } from '../../src/report/write-report.js';
import { result, summary } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cs-local-time-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('report times', () => {
  it('formats an instant in a zone with its offset', () => {
    expect(localTimestamp('2026-12-06T06:48:38.123Z', 'Asia/Kolkata')).toBe('2026-12-06T12:18:38+05:30');
    expect(localTimestamp('2026-12-06T06:48:38Z', 'UTC')).toBe('2026-12-06T06:48:38+00:00');
    expect(localTimestamp('2026-07-01T12:00:00Z', 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
  });

  it('the same moment for a person to read (the page, the API timings *Local): spaces, the offset kept', () => {
    expect(localTimeText('2026-12-06T12:15:03.500Z', 'Asia/Kolkata')).toBe('2026-12-06 17:45:03 +05:30');
    expect(localTimeText('2026-12-06T06:48:38Z', 'UTC')).toBe('2026-12-06 06:48:38 +00:00');
    expect(localTimeText('', 'UTC')).toBe('');
  });

  it('REPORT_TIMEZONE defaults to Asia/Kolkata and must be a real zone', () => {
    expect(loadConfig({}).reportTimezone).toBe('Asia/Kolkata');
    expect(() => loadConfig({ REPORT_TIMEZONE: 'India/Pune' })).toThrow(
      /REPORT_TIMEZONE: must be an IANA time zone/,
    );
  });

  it('summary.json and the Summary sheet show the times in the zone, UTC kept beside them', async () => {
    const s = summary(1, {
      timings: {
        queuedAt: '2026-12-06T06:48:00.000Z',
        startedAt: '2026-12-06T06:48:38.000Z',
        finishedAt: '2026-12-06T06:49:00.000Z',
        durationMs: 22_000,
      },
    });
    const kolkata = await writeReport({
      dir: join(root, 'a'),
      summary: s,
      results: one(),
      sourceHeaders: [],
    });
    const json = JSON.parse(await readFile(kolkata.summaryJson, 'utf8')) as ReportSummaryFile;
    expect(json.timezone).toBe('Asia/Kolkata');
    expect(json.timingsLocal).toEqual({
      queuedAt: '2026-12-06T12:18:00+05:30',
      startedAt: '2026-12-06T12:18:38+05:30',
      finishedAt: '2026-12-06T12:19:00+05:30',
    });
    expect(json.timings.startedAt).toBe('2026-12-06T06:48:38.000Z');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(kolkata.resultsXlsx);
    const lines = new Map<unknown, unknown>();
    book.getWorksheet('Summary')!.eachRow((row) => lines.set(row.getCell(1).value, row.getCell(2).value));
    expect(lines.get('Time zone')).toBe('Asia/Kolkata');
    expect(lines.get('Started at')).toBe('2026-12-06T12:18:38+05:30');

    const utc = await writeReport({
      dir: join(root, 'b'),
      summary: { ...s, timezone: 'UTC' },
      results: one(),
      sourceHeaders: [],
    });
    const utcJson = JSON.parse(await readFile(utc.summaryJson, 'utf8')) as ReportSummaryFile;
    expect(utcJson.timingsLocal.startedAt).toBe('2026-12-06T06:48:38+00:00');
  });
});

async function* one() {
  yield result(2, 'created');
}
