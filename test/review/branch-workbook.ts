/**
 * Two branch sheets in differing layouts, written for a test: `tag` makes both the codes and one header
 * its own, so each test's workbook is a layout no other test has approved (saved profiles persist).
 */
import ExcelJS from 'exceljs';

export async function writeDifferingBranches(path: string, tag: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  const north = wb.addWorksheet('North');
  north.addRow(['Customer Code', 'Customer Name', 'Mobile']);
  north.addRow([`${tag}-N1`, 'Shivalik Woollens', '9816012301']);
  north.addRow([`${tag}-N2`, 'Doon Valley Rice', '9816012302']);
  const south = wb.addWorksheet('South');
  south.addRow(['Party Name', 'Customer Code', 'Mobile No.', `Route ${tag}`]);
  south.addRow(['Nilgiri Tea Estates', `${tag}-S1`, '9486012301', 'R1']);
  await wb.xlsx.writeFile(path);
  return [`${tag}-N1`, `${tag}-N2`, `${tag}-S1`];
}
