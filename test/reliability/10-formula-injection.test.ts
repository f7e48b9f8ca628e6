/**
 * Scenario 10 — formula injection, end to end. A CSV and an XLSX whose every text column holds cells that
 * a spreadsheet would run (`=`, `+`, `-`, `@`, tab, CR, `=HYPERLINK(…)`) are synced through the engine and
 * validated offline, so valid, invalid (and any failed) rows reach every report. The reports are read
 * back as a user's spreadsheet would: results.xlsx with exceljs (formula cells), results.csv and
 * errors.csv with papaparse (cells starting a formula without the neutralising apostrophe). And EnKash
 * must receive the user's values, not the neutralised ones: neutralising belongs to the report.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateFile } from '../../src/sync/validate-file.js';
import { startHarness, type Harness } from '../helpers/engine.js';
import { SYNTHETIC_HEADERS, syntheticCustomer } from '../helpers/synthetic-customers.js';
import {
  DANGEROUS_START,
  FORMULA_PAYLOADS,
  liveFormulasInXlsx,
  normalisedText,
  unneutralisedInCsv,
} from './helpers/hostile.js';
import { PROFILE, recordScenario, sized } from './helpers/scenario.js';

/** An extra column the engine does not use: its header and cells reach errors.csv as the user wrote them. */
const EXTRA_HEADER = '=HYPERLINK("http://evil.example","x")';
const HEADERS = [...SYNTHETIC_HEADERS, EXTRA_HEADER];
/** Copies of each payload row (full profile: more rows, same payloads). */
const COPIES = sized(1, 20);

type InputRow = { cells: string[]; valid: boolean; code: string; payload: string };

/**
 * For each payload: a row valid for EnKash whose free-text columns (code, name, contact, address, state,
 * the unused column) carry it, and a row that carries it in every column, which fails validation.
 */
function inputRows(tag: string): InputRow[] {
  const rows: InputRow[] = [];
  for (let copy = 0; copy < COPIES; copy++) {
    FORMULA_PAYLOADS.forEach((p, i) => {
      const c = syntheticCustomer(1000 * copy + i + 1, 10);
      const code = `${p}${tag}${copy}-${i}`;
      rows.push({
        code,
        payload: p,
        valid: true,
        cells: [
          code,
          `${p} Traders`,
          c.gstin,
          `${p} Kumar`,
          c.mobile,
          c.email,
          `${p}, MG Road`,
          p,
          c.pinCode,
          c.ifsc,
          c.accountNumber,
          p,
        ],
      });
      rows.push({
        code: `${p}${tag}${copy}-${i}-bad`,
        payload: p,
        valid: false,
        cells: HEADERS.map(() => p),
      });
    });
  }
  return rows;
}

function csvText(rows: InputRow[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return (
    [HEADERS, ...rows.map((r) => r.cells)].map((cells) => cells.map(quote).join(',')).join('\r\n') + '\r\n'
  );
}

/**
 * The XLSX: text cells, except each valid row's address, which is a real formula cell whose cached result
 * is the payload (what Excel saves for `=A1&", MG Road"`): the engine must take the result as text.
 */
async function writeXlsx(path: string, rows: InputRow[]): Promise<void> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Customers');
  sheet.addRow(HEADERS);
  for (const r of rows) {
    const row = sheet.addRow(r.cells);
    if (r.valid) row.getCell(7).value = { formula: 'B2&", MG Road"', result: r.cells[6]! };
  }
  await book.xlsx.writeFile(path);
}

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: 'warn' } });
  dir = await mkdtemp(join(tmpdir(), 'cs-formula-'));
});
afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type ReportCheck = {
  report: string;
  resultsXlsxFormulas: number;
  resultsCsvLive: number;
  errorsCsvLive: number;
  neutralisedCells: number;
  rows: number;
};

async function checkReport(
  name: string,
  files: { resultsXlsx: string; resultsCsv: string; errorsCsv: string },
) {
  const xlsx = await liveFormulasInXlsx(files.resultsXlsx);
  const results = await unneutralisedInCsv(files.resultsCsv);
  const errors = await unneutralisedInCsv(files.errorsCsv);
  const neutralised = [...results.rows, ...errors.rows]
    .flat()
    .filter((c) => c.startsWith("'") && DANGEROUS_START.test(c.slice(1))).length;
  if (results.dangerous.length + errors.dangerous.length > 0)
    console.log(name, 'live CSV cells:', [...results.dangerous, ...errors.dangerous].slice(0, 10));
  return {
    report: name,
    resultsXlsxFormulas: xlsx.formulas,
    resultsCsvLive: results.dangerous.length,
    errorsCsvLive: errors.dangerous.length,
    neutralisedCells: neutralised,
    rows: results.rows.length - 1,
  } satisfies ReportCheck;
}

describe('scenario 10: formula injection', () => {
  it('no report holds a live formula; EnKash receives the values as the user wrote them', async () => {
    const checks: ReportCheck[] = [];
    const tally: Tally = { altered: 0, failedClearly: 0, sentRows: 0, problems: [] };
    let roundTripRows = 0;

    for (const format of ['csv', 'xlsx'] as const) {
      const tag = format === 'csv' ? 'C' : 'X';
      const rows = inputRows(tag);
      // The file name is a payload too: it appears on the Summary sheet.
      const path = join(dir, `=1+1 customers.${format}`);
      if (format === 'csv') await writeFile(path, csvText(rows));
      else await writeXlsx(path, rows);

      // Synced through the engine: valid rows go to EnKash, invalid rows straight to the report.
      const meta = await h.sync(path, {}, 120_000);
      expect(meta.state, meta.error).toBe('done');
      const validRows = rows.filter((r) => r.valid).length;
      expect(meta.counts.invalid, format).toBe(rows.length - validRows);
      expect(meta.counts.created + meta.counts.failed, format).toBe(validRows);
      checks.push(await checkReport(`sync ${format}`, fileSet(meta.reportDir!)));

      // Offline validate of the same file: valid and invalid rows in the report.
      const validated = await validateFile(path, {
        matchKey: 'uniqueRefNo',
        reportDir: join(dir, `validate-${format}`),
      });
      expect(validated.counts.valid, format).toBe(validRows);
      expect(validated.counts.invalid, format).toBe(rows.length - validRows);
      checks.push(await checkReport(`validate ${format}`, validated));

      // What EnKash received: the user's values (after the documented trim), never the report's apostrophe.
      await checkSent(
        rows.filter((row) => row.valid),
        meta.reportDir!,
        tally,
      );

      // The round trip the report promises: fix errors.csv's bad cells, upload it again. Its text cells
      // come back neutralised ('=1+1 …): EnKash must receive the user's text, not the apostrophe.
      const errorsCsv = (await unneutralisedInCsv(join(meta.reportDir!, 'errors.csv'))).rows;
      const fixed = fixedErrorsRows(errorsCsv, tag);
      const again = join(dir, `errors-${format}-fixed.csv`);
      await writeFile(
        again,
        [errorsCsv[0]!, ...fixed.map((f) => f.written)].map(csvLine).join('\r\n') + '\r\n',
      );
      const second = await h.sync(again, {}, 120_000);
      expect(second.state, second.error).toBe('done');
      expect(second.counts.invalid, `${format} errors.csv fixed: ${JSON.stringify(second.counts)}`).toBe(0);
      checks.push(await checkReport(`errors.csv ${format} re-synced`, fileSet(second.reportDir!)));
      roundTripRows += fixed.length;
      await checkSent(
        fixed.map((f) => f.meant),
        second.reportDir!,
        tally,
      );
    }
    const { altered, failedClearly, sentRows, problems } = tally;

    console.table(checks);
    if (problems.length > 0) console.log(problems.slice(0, 20));
    const live = (c: ReportCheck) => c.resultsXlsxFormulas + c.resultsCsvLive + c.errorsCsvLive;
    const liveTotal = checks.reduce((n, c) => n + live(c), 0);
    recordScenario({
      id: 10,
      title: 'Formula injection',
      promise:
        'No report (results.xlsx, results.csv, errors.csv) holds a live formula; EnKash receives the values as the user wrote them',
      figures: {
        payloads: FORMULA_PAYLOADS.length,
        reports: checks.length,
        liveFormulasResultsXlsx: checks.reduce((n, c) => n + c.resultsXlsxFormulas, 0),
        liveCellsResultsCsv: checks.reduce((n, c) => n + c.resultsCsvLive, 0),
        liveCellsErrorsCsv: checks.reduce((n, c) => n + c.errorsCsvLive, 0),
        neutralisedCells: checks.reduce((n, c) => n + c.neutralisedCells, 0),
        rowsSentToEnkash: sentRows,
        errorsCsvRowsReuploaded: roundTripRows,
        rowsAltered: altered,
        rowsRefusedByEnkashWithMessage: failedClearly,
        profile: PROFILE,
      },
      summary:
        `${FORMULA_PAYLOADS.length} payloads in every text column, CSV and XLSX, synced and validated: ` +
        `${liveTotal} live formulas in ${checks.length * 3} report files ` +
        `(${checks.reduce((n, c) => n + c.neutralisedCells, 0)} cells neutralised); ${sentRows} rows sent to EnKash (${roundTripRows} from errors.csv fixed and uploaded again), ${altered} altered`,
    });

    for (const c of checks) {
      expect(c.resultsXlsxFormulas, `${c.report}: results.xlsx formulas`).toBe(0);
      expect(c.resultsCsvLive, `${c.report}: results.csv`).toBe(0);
      expect(c.errorsCsvLive, `${c.report}: errors.csv`).toBe(0);
      // The payloads did reach the reports: the check above is not vacuous.
      expect(c.neutralisedCells, c.report).toBeGreaterThan(0);
    }
    expect(problems).toEqual([]);
    expect(altered).toBe(0);
  }, 600_000);
});

type Tally = { altered: number; failedClearly: number; sentRows: number; problems: string[] };

/**
 * Compares what EnKash holds for `rows` with what the file said (after the documented trim). A row EnKash
 * refused must have failed with a message in results.csv, never been changed to fit.
 */
async function checkSent(rows: Pick<InputRow, 'code' | 'cells'>[], reportDir: string, tally: Tally) {
  const results = (await unneutralisedInCsv(join(reportDir, 'results.csv'))).rows;
  const outcomeColumn = results[0]!.indexOf('outcome');
  const errorsColumn = results[0]!.indexOf('errors');
  const customers = h.sandbox.customers();
  for (const r of rows) {
    const code = normalisedText(r.code);
    const found = customers.filter((c) => c.uniqueRefNo === code);
    const quoted = customers.filter((c) => c.uniqueRefNo === `'${code}`);
    if (found.length === 0 && quoted.length > 0) {
      tally.altered += 1;
      tally.problems.push(`${JSON.stringify(code)}: sent with the report's apostrophe`);
      continue;
    }
    if (found.length === 0) {
      const line = results.find((cells) => cells[1] === code || cells[1] === `'${code}`);
      if (line?.[outcomeColumn] === 'failed' && line[errorsColumn] !== '') tally.failedClearly += 1;
      else tally.problems.push(`${JSON.stringify(code)}: not in EnKash and not failed with a message`);
      continue;
    }
    tally.sentRows += 1;
    const got = found[0]!;
    const sent = {
      legalName: got.legalName,
      contact: got.customerKeyContacts?.[0]?.name,
      address: got.address,
      state: got.state,
    };
    const want = {
      legalName: normalisedText(r.cells[1]!),
      contact: normalisedText(r.cells[3]!),
      address: normalisedText(r.cells[6]!),
      state: normalisedText(r.cells[7]!),
    };
    if (found.length !== 1 || JSON.stringify(sent) !== JSON.stringify(want)) {
      tally.altered += 1;
      tally.problems.push(
        `${JSON.stringify(code)}: sent ${JSON.stringify(sent)}, file ${JSON.stringify(want)}`,
      );
    }
  }
}

/**
 * errors.csv as a user fixes it: the cells EnKash's rules refused (GSTIN, mobile, e-mail, PIN, IFSC,
 * account) get good values; the text cells stay as errors.csv holds them (neutralised), the customer code
 * gets a suffix typed after it. `meant` is the row as the user means it (the apostrophe not part of it).
 */
function fixedErrorsRows(errorsCsv: string[][], tag: string): { written: string[]; meant: InputRow }[] {
  const header = errorsCsv[0]!;
  return errorsCsv.slice(1).map((cells, i) => {
    const c = syntheticCustomer(5000 + i, 10);
    const written = [...cells];
    written[0] = `${cells[0]}R${tag}${i}`;
    const good: Record<string, string> = {
      GSTIN: c.gstin,
      Mobile: c.mobile,
      Email: c.email,
      Pincode: c.pinCode,
      IFSC: c.ifsc,
      'Bank Account Number': c.accountNumber,
    };
    header.forEach((name, col) => {
      if (good[name] !== undefined) written[col] = good[name];
    });
    const unquote = (v: string) => (v.startsWith("'") && DANGEROUS_START.test(v.slice(1)) ? v.slice(1) : v);
    const meantCells = written.slice(0, HEADERS.length).map(unquote);
    return { written, meant: { code: meantCells[0]!, cells: meantCells, valid: true, payload: '' } };
  });
}

function csvLine(cells: string[]): string {
  return cells.map((s) => `"${s.replace(/"/g, '""')}"`).join(',');
}

function fileSet(reportDir: string) {
  return {
    resultsXlsx: join(reportDir, 'results.xlsx'),
    resultsCsv: join(reportDir, 'results.csv'),
    errorsCsv: join(reportDir, 'errors.csv'),
  };
}
