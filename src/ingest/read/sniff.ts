/**
 * What kind of file this is, from its first bytes, never from its name: users rename `.xls` to `.xlsx`,
 * save a CSV as `.txt`, and mail tools append `.bin`.
 */

export type SniffResult = { kind: 'xlsx' } | { kind: 'csv' } | { kind: 'refused'; reason: string };

const ZIP_LOCAL = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const OLE2_REASON =
  'is an old Excel .xls file or a password-protected workbook: open it in Excel, remove any password ' +
  '(File > Info > Protect Workbook) and save it as "Excel Workbook (.xlsx)" or "CSV UTF-8"';
const NOT_TABULAR =
  'not a CSV or Excel file: export the customer list from your accounting software as .xlsx or .csv';

const KNOWN_BINARIES: Array<{ magic: Buffer; what: string }> = [
  { magic: Buffer.from('%PDF'), what: 'a PDF document' },
  { magic: Buffer.from([0x1f, 0x8b]), what: 'a gzip archive' },
  { magic: Buffer.from('Rar!'), what: 'a RAR archive' },
  { magic: Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), what: 'a 7-Zip archive' },
];

/** Share of control bytes above which a file that is not UTF-16 is binary (text has next to none). */
const MAX_CONTROL_SHARE = 0.01;
/** Tab, LF, FF, CR, SUB (an old DOS end-of-file mark), ESC: seen in real text exports. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x1a, 0x1b]);

export function sniffFile(head: Buffer): SniffResult {
  if (startsWith(head, ZIP_LOCAL) || startsWith(head, ZIP_EMPTY)) return { kind: 'xlsx' };
  if (startsWith(head, OLE2)) return { kind: 'refused', reason: OLE2_REASON };
  for (const { magic, what } of KNOWN_BINARIES) {
    if (startsWith(head, magic)) return { kind: 'refused', reason: `is ${what}, ${NOT_TABULAR}` };
  }
  if (utf16Layout(head) !== null) return { kind: 'csv' };
  return controlShare(head) > MAX_CONTROL_SHARE
    ? { kind: 'refused', reason: `is ${NOT_TABULAR}` }
    : { kind: 'csv' };
}

/**
 * `utf-16le` / `utf-16be` when the bytes are UTF-16 text: a BOM, or (Excel's "Unicode Text" stripped of its
 * BOM by some tool) ASCII characters whose other byte is NUL at every second position.
 */
export function utf16Layout(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const pairs = Math.floor(Math.min(head.length, 4096) / 2);
  if (pairs < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  if (oddNul >= pairs * 0.9 && evenNul === 0) return 'utf-16le';
  if (evenNul >= pairs * 0.9 && oddNul === 0) return 'utf-16be';
  return null;
}

function controlShare(head: Buffer): number {
  if (head.length === 0) return 0;
  let control = 0;
  for (const byte of head) {
    if (byte < 0x20 && !TEXT_CONTROLS.has(byte)) control++;
  }
  return control / head.length;
}

function startsWith(buf: Buffer, magic: Buffer): boolean {
  return buf.length >= magic.length && buf.subarray(0, magic.length).equals(magic);
}
