/** Writes the benchmark customer master as CSV and as XLSX, streaming, into files the caller names. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { CUSTOMER_HEADER, customerRow } from './customer-data.js';

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Excel-style "CSV UTF-8": BOM, CRLF, quotes only where needed. */
export async function writeCustomerCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const lines: string[] = ['\ufeff' + CUSTOMER_HEADER.join(',')];
  const flush = async () => {
    if (!out.write(lines.join('\r\n') + '\r\n')) await once(out, 'drain');
    lines.length = 0;
  };
  for (let i = 0; i < rows; i++) {
    lines.push(customerRow(i).map(csvCell).join(','));
    if (lines.length >= 2000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
}

/**
 * One sheet, shared strings on (as Excel and Tally write them: the table is what a reader must hold in
 * memory), pincode as a number cell. exceljs stores the sheet before sharedStrings.xml, as Excel does.
 */
export async function writeCustomerXlsx(path: string, rows: number): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: true,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet('Customers');
  sheet.addRow([...CUSTOMER_HEADER]).commit();
  for (let i = 0; i < rows; i++) {
    const row = customerRow(i);
    const values: Array<string | number> = [...row];
    values[9] = Number(row[9]);
    sheet.addRow(values).commit();
    // The writer ignores backpressure: let its file stream drain now and then.
    if (i % 5000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
}
