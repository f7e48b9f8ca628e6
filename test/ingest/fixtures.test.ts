/**
 * The fixture suite: every file in fixtures/ingest/ is a small real customer master for one ingest case,
 * and fixtures/ingest/cases.json says what `validate` must make of it. One table-driven test runs each file
 * through validateFile (the report a user sees) and, for payload values, through ingestFile (what a sync
 * would send). Rebuild the files with `npx tsx fixtures/ingest/make-fixtures.ts`.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ingestFile } from '../../src/ingest/ingest-file.js';
import { validateFile } from '../../src/sync/validate-file.js';
import { sheetIndexOf, sheetRow } from '../../src/domain/sheet-rows.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'ingest');
/** Files in the folder that are not fixtures themselves (header-variants.json has its own test). */
const NOT_FIXTURES = /^(make-fixtures\.ts|cases\.json|header-variants\.json|.*\.mapping\.json)$/;

const RowNumber = z.string().regex(/^\d+$/, 'an Excel row number');
/** A row of the first sheet read by its number; a row of a later sheet `Sheet!row`. */
const RowKey = z.string().regex(/^(?:[^!]+!)?\d+$/, 'an Excel row number, or Sheet!row');
const Options = z.strictObject({
  preset: z.string().optional(),
  mapping: z.string().optional(),
  sheet: z.string().optional(),
  matchKey: z.enum(['uniqueRefNo', 'panOrGstin', 'accountNumber']).optional(),
});
const Refused = z.strictObject({ refused: z.string().min(1) });
const Outcomes = z.strictObject({
  rows: z.record(RowKey, z.enum(['valid', 'invalid'])),
  errors: z.record(RowKey, z.array(z.string().min(1)).min(1)).optional(),
  rowWarnings: z.record(RowKey, z.array(z.string().min(1)).min(1)).optional(),
  errorTypes: z.record(RowKey, z.string()).optional(),
  values: z.record(RowKey, z.record(z.string(), z.union([z.string(), z.boolean(), z.null()]))).optional(),
  blankRowsSkipped: z.number().int().min(0),
  totalsRowsSkipped: z.number().int().min(0),
  warningsContain: z.array(z.string()).optional(),
  warningsNotContain: z.array(z.string()).optional(),
});
const Case = z.strictObject({
  name: z.string().optional(),
  file: z.string().min(1),
  why: z.string().min(1),
  options: Options.optional(),
  expect: z.union([Refused, Outcomes]),
});
const CasesFile = z.strictObject({ $comment: z.string(), cases: z.array(Case).min(1) });
type FixtureCase = z.infer<typeof Case>;
type Outcome = z.infer<typeof Outcomes>;

const ResultRow = z.object({
  row: RowNumber,
  outcome: z.string(),
  errorType: z.string(),
  sheet: z.string(),
  errors: z.string(),
  warnings: z.string(),
});
type ResultRow = z.infer<typeof ResultRow>;
const Summary = z.object({
  rowsRead: z.number(),
  blankRowsSkipped: z.number(),
  totalsRowsSkipped: z.number(),
  warnings: z.array(z.string()),
});

const { cases } = CasesFile.parse(JSON.parse(await readFile(join(DIR, 'cases.json'), 'utf8')));

let reports: string;
beforeAll(async () => {
  reports = await mkdtemp(join(tmpdir(), 'cs-fixtures-'));
});
afterAll(async () => {
  await rm(reports, { recursive: true, force: true });
});

function optionsOf(c: FixtureCase) {
  const o = c.options ?? {};
  return {
    matchKey: o.matchKey ?? 'uniqueRefNo',
    ...(o.preset ? { preset: o.preset } : {}),
    ...(o.mapping ? { mapping: join(DIR, o.mapping) } : {}),
    ...(o.sheet ? { sheet: o.sheet } : {}),
  } as const;
}

let reportCount = 0;
async function runValidate(c: FixtureCase): Promise<{ rows: ResultRow[]; summary: z.infer<typeof Summary> }> {
  const report = await validateFile(join(DIR, c.file), {
    ...optionsOf(c),
    reportDir: join(reports, `report-${++reportCount}`),
  });
  const csv = await readFile(join(report.dir, 'results.csv'), 'utf8');
  const parsed = Papa.parse<unknown>(csv, { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  const rows = sheetKeyed(parsed.data.map((r) => ResultRow.parse(r)));
  const summary = Summary.parse(JSON.parse(await readFile(join(report.dir, 'summary.json'), 'utf8')));
  return { rows, summary };
}

/** Rows of the first sheet read are keyed by their row number, rows of later sheets `Sheet!row`. */
function sheetKeyed(rows: ResultRow[]): ResultRow[] {
  const first = rows[0]?.sheet;
  return rows.map((r) => (r.sheet === first ? r : { ...r, row: `${r.sheet}!${r.row}` }));
}

/** What a sync would send for each valid row: the payload plus the desired status. */
async function payloads(c: FixtureCase): Promise<Map<string, unknown>> {
  const file = await ingestFile(join(DIR, c.file), { ...optionsOf(c), fileName: c.file });
  const out = new Map<string, unknown>();
  for await (const event of file.events()) {
    if (event.kind === 'row' && event.parsed.kind === 'valid') {
      const { customer, status } = event.parsed;
      const { row, sheet } = event.parsed;
      const key = sheetIndexOf(row) === 0 ? String(row) : `${sheet ?? ''}!${sheetRow(row)}`;
      out.set(key, { ...customer, status });
    }
  }
  return out;
}

/** `customerKeyContacts.1.mobile` → the value at that path, undefined when absent. */
function at(value: unknown, path: string): unknown {
  let here = value;
  for (const key of path.split('.')) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

function caseName(c: FixtureCase): string {
  return `${c.name ?? c.file}: ${c.why}`;
}

describe('fixtures/ingest', () => {
  it('every file in fixtures/ingest has a case, and every case a file', async () => {
    const files = (await readdir(DIR)).filter((f) => !NOT_FIXTURES.test(f)).sort();
    const covered = new Set(cases.map((c) => c.file));
    expect(files.filter((f) => !covered.has(f))).toEqual([]);
    expect([...covered].filter((f) => !files.includes(f))).toEqual([]);
    const mappings = (await readdir(DIR)).filter((f) => f.endsWith('.mapping.json'));
    const used = new Set(cases.map((c) => c.options?.mapping));
    expect(mappings.filter((m) => !used.has(m))).toEqual([]);
  });

  it('fixture files stay small (under 10 KB)', async () => {
    for (const f of await readdir(DIR)) {
      if (NOT_FIXTURES.test(f)) continue;
      const bytes = (await readFile(join(DIR, f))).length;
      expect(bytes, f).toBeLessThan(10 * 1024);
    }
  });

  it('case names are unique', () => {
    const names = cases.map((c) => c.name ?? c.file);
    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(cases.map((c) => [caseName(c), c] as const))('%s', (_name, c) => {
    const expected = c.expect;
    if ('refused' in expected) {
      it('is refused with a message naming the file, without a stack trace', async () => {
        const error: unknown = await validateFile(join(DIR, c.file), {
          ...optionsOf(c),
          reportDir: join(reports, `refused-${++reportCount}`),
        }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, 'validateFile should have thrown').toBeInstanceOf(Error);
        const e = error as Error;
        expect(['FileReadError', 'UserError']).toContain(e.name);
        expect(e.message).toContain(c.file);
        expect(e.message).toContain(expected.refused);
        expect(e.message).not.toMatch(/\n\s+at /);
      });
      return;
    }

    it('every row has its expected outcome, errors and skipped counts', async () => {
      const { rows, summary } = await runValidate(c);
      const outcomes = Object.fromEntries(rows.map((r) => [r.row, r.outcome]));
      expect(outcomes).toEqual(expected.rows);
      const byRow = new Map(rows.map((r) => [r.row, r]));
      for (const [row, parts] of Object.entries(expected.errors ?? {})) {
        for (const part of parts) expect(byRow.get(row)?.errors, `row ${row}`).toContain(part);
      }
      for (const [row, type] of Object.entries(expected.errorTypes ?? {})) {
        expect(byRow.get(row)?.errorType, `row ${row}`).toBe(type);
      }
      for (const [row, parts] of Object.entries(expected.rowWarnings ?? {})) {
        for (const part of parts) expect(byRow.get(row)?.warnings, `row ${row}`).toContain(part);
      }
      // An invalid row always says why; a valid row has no errors (its notes are warnings); a row without
      // a warning listed here has none.
      for (const r of rows) {
        if (r.outcome === 'invalid') expect(r.errors, `row ${r.row}`).not.toBe('');
        else expect(r.errors, `row ${r.row}`).toBe('');
        if (!expected.rowWarnings?.[r.row]) expect(r.warnings, `row ${r.row}`).toBe('');
      }
      expect(summary.rowsRead).toBe(rows.length);
      expect(summary.blankRowsSkipped).toBe(expected.blankRowsSkipped);
      expect(summary.totalsRowsSkipped).toBe(expected.totalsRowsSkipped);
      const warnings = summary.warnings.join('\n');
      for (const w of expected.warningsContain ?? []) expect(warnings).toContain(w);
      for (const w of expected.warningsNotContain ?? []) expect(warnings).not.toContain(w);
    });

    it('names the sheet each row was read from (none for a CSV file)', async () => {
      const { rows } = await runValidate(c);
      const xlsx = c.file.endsWith('.xlsx');
      for (const r of rows) {
        if (!xlsx) expect(r.sheet, `row ${r.row}`).toBe('');
        else if (c.options?.sheet)
          expect(r.sheet.toLowerCase(), `row ${r.row}`).toBe(c.options.sheet.toLowerCase());
        else expect(r.sheet, `row ${r.row}`).not.toBe('');
      }
    });

    it('reports each problem once', async () => {
      const { rows } = await runValidate(c);
      for (const r of rows) {
        const parts = r.errors === '' ? [] : r.errors.split('; ');
        // A problem text itself may contain "; " (e.g. "is empty; EnKash requires…"): compare whole lines.
        const columns = parts.filter((p) => /^[^:"]+: /.test(p));
        expect(new Set(columns).size, `row ${r.row}: ${r.errors}`).toBe(columns.length);
      }
    });

    if (expected.values) {
      const values: NonNullable<Outcome['values']> = expected.values;
      it('sends the expected payload values', async () => {
        const sent = await payloads(c);
        for (const [row, fields] of Object.entries(values)) {
          const payload = sent.get(row);
          expect(payload, `row ${row} should be valid`).toBeDefined();
          for (const [path, value] of Object.entries(fields)) {
            expect(at(payload, path), `row ${row} ${path}`).toEqual(value === null ? undefined : value);
          }
        }
      });
    }
  });
});
