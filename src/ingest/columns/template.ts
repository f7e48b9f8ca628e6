/**
 * `customer-sync template`: a blank customer file with the canonical headers. XLSX carries the help
 * (a note on each header, an "Instructions" sheet, data validation, every column formatted as Text so
 * codes keep their leading zeros and long numbers are not rounded). A CSV cannot hold notes without
 * becoming a data row, so it is the header line alone and the notes go to the terminal.
 */
import ExcelJS from 'exceljs';
import { columnLetter } from './normalise-header.js';
import { TEMPLATE_COLUMNS } from './template-columns.js';

/** Rows that get data validation: validation ranges cost nothing per row, so be generous. */
export const TEMPLATE_VALIDATED_ROWS = 10_000;
export const TEMPLATE_SHEET = 'Customers';
export const INSTRUCTIONS_SHEET = 'Instructions';

export function templateHeaders(): string[] {
  return TEMPLATE_COLUMNS.map((c) => c.header);
}

/** Header line only, CRLF, with a BOM so Excel opens it as UTF-8. */
export function templateCsv(): string {
  return `\uFEFF${templateHeaders().join(',')}\r\n`;
}

/** One line per column: what it takes. For the terminal, after writing a CSV template. */
export function templateNotes(): string {
  const width = Math.max(...TEMPLATE_COLUMNS.map((c) => c.header.length));
  const lines = TEMPLATE_COLUMNS.map(
    (c) => `  ${c.header.padEnd(width)}  ${c.required ? '(required) ' : ''}${c.note} e.g. ${c.example}`,
  );
  return [
    'Columns:',
    ...lines,
    'Keep the header line as it is. Excel turns long numbers and codes with leading zeros into numbers when',
    'it opens a CSV: import the file with Data > From Text/CSV and set those columns to Text, or use the XLSX template.',
  ].join('\n');
}

export function buildTemplateWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'customer-sync';
  addCustomersSheet(workbook);
  addInstructionsSheet(workbook);
  return workbook;
}

// exceljs 4.4 has ranged data validation (optimised into one <dataValidation> per range on write) but its
// type declarations leave `worksheet.dataValidations` out.
type RangedValidations = {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
};

function addCustomersSheet(workbook: ExcelJS.Workbook): void {
  const sheet = workbook.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = TEMPLATE_COLUMNS.map((c) => ({
    header: c.header,
    width: c.widthChars,
    style: { numFmt: '@' },
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  TEMPLATE_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.note = `${c.required ? 'Required. ' : ''}${c.note}\nExample: ${c.example}`;
    if (c.validation) {
      const letter = columnLetter(i);
      const range = `${letter}2:${letter}${TEMPLATE_VALIDATED_ROWS + 1}`;
      (sheet as unknown as RangedValidations).dataValidations.add(range, c.validation);
    }
  });
}

function addInstructionsSheet(workbook: ExcelJS.Workbook): void {
  const sheet = workbook.addWorksheet(INSTRUCTIONS_SHEET);
  sheet.columns = [
    { header: 'Column', width: 22 },
    { header: 'Required', width: 10 },
    { header: 'What it takes', width: 80 },
    { header: 'Example', width: 28 },
    { header: 'EnKash field', width: 36 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const c of TEMPLATE_COLUMNS) {
    sheet.addRow([c.header, c.required ? 'Yes' : '', c.note, c.example, c.feeds]);
  }
  sheet.addRow([]);
  for (const line of [
    `Fill in the "${TEMPLATE_SHEET}" sheet, one customer per row, and keep its header row as it is.`,
    'Every column is formatted as Text: codes keep their leading zeros and long numbers keep every digit.',
    'Extra columns of your own are allowed: customer-sync lists them in its report and ignores them.',
    'Try `customer-sync sync FILE --dry-run` first: it reads EnKash, writes nothing and reports what would change.',
  ]) {
    sheet.addRow([line]);
  }
  sheet.getColumn(3).alignment = { wrapText: true, vertical: 'top' };
}
