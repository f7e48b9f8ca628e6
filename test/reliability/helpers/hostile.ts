/**
 * Hostile input for the reliability scenarios 10–12: formula payloads and the checks that read reports
 * back, generators of hostile files (written to a temp dir at test time, never committed), a file-tree
 * snapshot, and a real `customer-sync serve` child process. (A process's peak memory: ./proc.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { columnLetter as columnName } from '../../../src/ingest/read/column-letter.js';
import { cliArgv } from '../../helpers/cli-command.js';
import { REPO_ROOT } from '../../helpers/engine.js';
import { workbookXlsx, zip, type ZipPart } from '../../ingest/read/xlsx-builder.js';

// ─── formula injection ────────────────────────────────────────────────────────────────────────────────

/** Cells a spreadsheet would run, or that start a formula once a leading quote or space is trimmed. */
export const FORMULA_PAYLOADS = [
  '=1+1',
  '+91 1+1',
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1+1',
  '\r=1+1',
  '=HYPERLINK("http://evil.example","x")',
] as const;

/** The characters that make Excel, LibreOffice or Sheets read a CSV cell as a formula (OWASP's list). */
export const DANGEROUS_START = /^[=+\-@\t\r]/;

/** Cells of a workbook holding a formula (a formula cell, a shared formula, or a formula value object). */
export async function liveFormulasInXlsx(path: string): Promise<{ formulas: number; cells: number }> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  let formulas = 0;
  let cells = 0;
  book.eachSheet((sheet) =>
    sheet.eachRow((row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        cells += 1;
        const value = cell.value as unknown;
        const formulaObject =
          typeof value === 'object' && value !== null && ('formula' in value || 'sharedFormula' in value);
        if (cell.type === ExcelJS.ValueType.Formula || cell.formula || formulaObject) formulas += 1;
      }),
    ),
  );
  return { formulas, cells };
}

/** A CSV report parsed with papaparse (BOM stripped), and its cells that start a formula unneutralised. */
export async function unneutralisedInCsv(
  path: string,
): Promise<{ rows: string[][]; dangerous: string[]; cells: number }> {
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`${path}: ${JSON.stringify(parsed.errors.slice(0, 3))}`);
  const cells = parsed.data.flat();
  return { rows: parsed.data, dangerous: cells.filter((c) => DANGEROUS_START.test(c)), cells: cells.length };
}

/** What the engine's documented normalisation makes of free text: trimmed, whitespace runs collapsed. */
export function normalisedText(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

// ─── hostile files ────────────────────────────────────────────────────────────────────────────────────

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

function entry(name: string, data: string): ZipPart {
  return { name, data };
}

/**
 * A real zip bomb: an XLSX whose sheet (or shared-string table) inflates to `inflatedBytes` of well-formed
 * XML (about 290:1, so 2 GB is a 7 MB file). The deflate stream is one fully flushed 1 MB block repeated,
 * so building it costs one compression and a CRC pass, not gigabytes of work. `lie: true` declares 4 KB in
 * the zip directory (and local header): the reader must catch it while inflating, not from the directory.
 * `part: 'sharedStrings'` puts the bulk in xl/sharedStrings.xml (a string table of 80-character strings,
 * which a reader that holds the table in memory must bound) and a small sheet beside it.
 */
export async function writeZipBomb(
  path: string,
  inflatedBytes: number,
  options: { lie?: boolean; part?: 'sheet' | 'sharedStrings' } = {},
): Promise<{ fileBytes: number; inflatedBytes: number }> {
  const strings = options.part === 'sharedStrings';
  const unit = strings
    ? '<si><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></si>'
    : '<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>';
  const chunk = Buffer.from(unit.repeat(Math.floor((1024 * 1024) / unit.length)), 'utf8');
  const head = Buffer.from(
    strings
      ? `<?xml version="1.0"?><sst xmlns="${NS}">`
      : `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData>`,
    'utf8',
  );
  const tail = Buffer.from(strings ? '</sst>' : '</sheetData></worksheet>', 'utf8');
  const flushed = (b: Buffer) => deflateRawSync(b, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const block = flushed(chunk);
  const repeats = Math.max(1, Math.floor((inflatedBytes - head.length - tail.length) / chunk.length));
  let crc = crc32(head);
  for (let i = 0; i < repeats; i++) crc = crc32(chunk, crc);
  crc = crc32(tail, crc);
  const size = head.length + repeats * chunk.length + tail.length;
  if (size > 0xffffffff) throw new Error('zip bombs over 4 GB need zip64');
  const deflated = Buffer.concat([
    flushed(head),
    ...Array<Buffer>(repeats).fill(block),
    deflateRawSync(tail),
  ]);
  const bulk: ZipPart = {
    name: strings ? 'xl/sharedStrings.xml' : 'xl/worksheets/sheet1.xml',
    data: '',
    deflated: { body: deflated, crc, size },
    declaredSize: options.lie ? 4096 : size,
  };
  const smallSheet = entry(
    'xl/worksheets/sheet1.xml',
    `<?xml version="1.0"?><worksheet xmlns="${NS}"><sheetData>` +
      '<row r="1"><c r="A1" t="inlineStr"><is><t>Customer Code</t></is></c><c r="B1" t="inlineStr"><is><t>Legal Name</t></is></c></row>' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t>C-1</t></is></c><c r="B2" t="s"><v>0</v></c></row>' +
      '</sheetData></worksheet>',
  );
  // Excel's order: sheets before the shared-string table.
  const zipped = zip(strings ? [...workbookParts(true), smallSheet, bulk] : [...workbookParts(), bulk]);
  await writeFile(path, zipped);
  return { fileBytes: zipped.length, inflatedBytes: size };
}

function workbookParts(sharedStrings = false): ZipPart[] {
  return [
    entry(
      '_rels/.rels',
      `<?xml version="1.0"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    entry(
      'xl/workbook.xml',
      `<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    entry(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
        (sharedStrings
          ? `<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`
          : '') +
        '</Relationships>',
    ),
  ];
}

/** Billion laughs: ten levels of entities, each ten of the one below, in the shared-strings part. */
export function billionLaughsXlsx(levels = 10): Buffer {
  const entities = Array.from(
    { length: levels },
    (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
  ).join('');
  const sst =
    `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${entities}]>` +
    `<sst xmlns="${NS}" count="2" uniqueCount="2"><si><t>Customer Code</t></si><si><t>&lol${levels};</t></si></sst>`;
  return workbookXlsx({
    sharedStrings: sst,
    sheets: [
      {
        name: 'Customers',
        xml:
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Legal Name</t></is></c></row>' +
          '<row r="2"><c r="A2" t="inlineStr"><is><t>C-1</t></is></c><c r="B2" t="s"><v>1</v></c></row>',
      },
    ],
  });
}

/**
 * A workbook whose row 2 is made only of references past the shared-string table: read as empty cells,
 * the whole row would vanish as a blank row.
 */
export function danglingSharedStringsXlsx(): Buffer {
  const sst = `<?xml version="1.0"?><sst xmlns="${NS}" count="2" uniqueCount="2"><si><t>Customer Code</t></si><si><t>Legal Name</t></si></sst>`;
  return workbookXlsx({
    sharedStrings: sst,
    sheets: [
      {
        name: 'Customers',
        xml:
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
          '<row r="2"><c r="A2" t="s"><v>7</v></c><c r="B2" t="s"><v>8</v></c></row>',
      },
    ],
  });
}

/**
 * A shared-string amplifier: one `chars`-character string referenced by `columns` cells of each of `rows`
 * rows. Tiny on disk (the sheet XML compresses ~100:1), gigabytes of cell text once expanded.
 */
export function amplifiedStringsXlsx(rows: number, columns = 3, chars = 32_000): Buffer {
  const sst = `<?xml version="1.0"?><sst xmlns="${NS}"><si><t>${'z'.repeat(chars)}</t></si><si><t>Customer Code</t></si><si><t>Legal Name</t></si><si><t>Address</t></si></sst>`;
  const header =
    '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>2</v></c><c r="C1" t="s"><v>3</v></c></row>';
  const body = Array.from({ length: rows }, (_, i) => {
    const r = i + 2;
    return `<row r="${r}">${Array.from({ length: columns }, (_, c) => `<c r="${columnName(c)}${r}" t="s"><v>0</v></c>`).join('')}</row>`;
  }).join('');
  return workbookXlsx({ sharedStrings: sst, sheets: [{ name: 'Customers', xml: header + body }] });
}

/** A header row of `columns` columns and one data row, as CSV. */
export function wideCsv(columns: number): string {
  const header = [
    'Customer Code',
    'Legal Name',
    ...Array.from({ length: columns - 2 }, (_, i) => `Extra ${i}`),
  ];
  const row = ['C-1', 'Wide Traders', ...Array.from({ length: columns - 2 }, (_, i) => String(i))];
  return `${header.join(',')}\r\n${row.join(',')}\r\n`;
}

/** The same as an XLSX (inline strings). */
export function wideXlsx(columns: number): Buffer {
  const cells = (r: number, values: string[]) =>
    values.map((v, i) => `<c r="${columnName(i)}${r}" t="inlineStr"><is><t>${v}</t></is></c>`).join('');
  const header = [
    'Customer Code',
    'Legal Name',
    ...Array.from({ length: columns - 2 }, (_, i) => `Extra ${i}`),
  ];
  const row = ['C-1', 'Wide Traders', ...Array.from({ length: columns - 2 }, (_, i) => String(i))];
  return workbookXlsx({
    sheets: [
      { name: 'Customers', xml: `<row r="1">${cells(1, header)}</row><row r="2">${cells(2, row)}</row>` },
    ],
  });
}

/** Writes `head`, then `size` bytes of `fill` in 1 MB pieces, then `tail`, streaming. */
export async function writeBigFile(
  path: string,
  head: string,
  fill: string,
  size: number,
  tail = '',
): Promise<void> {
  const out = createWriteStream(path);
  out.write(head);
  const piece = fill.repeat(Math.ceil((1024 * 1024) / fill.length));
  for (let written = 0; written < size; written += piece.length) {
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end(tail);
  await once(out, 'finish');
}

/** An XLSX whose one data cell is a shared string of `chars` characters. */
export function bigCellXlsx(chars: number): Buffer {
  const sst = `<?xml version="1.0"?><sst xmlns="${NS}" count="1" uniqueCount="1"><si><t>${'x'.repeat(chars)}</t></si></sst>`;
  return workbookXlsx({
    sharedStrings: sst,
    sheets: [
      {
        name: 'Customers',
        xml:
          '<row r="1"><c r="A1" t="inlineStr"><is><t>Customer Code</t></is></c><c r="B1" t="inlineStr"><is><t>Legal Name</t></is></c></row>' +
          '<row r="2"><c r="A2" t="inlineStr"><is><t>C-1</t></is></c><c r="B2" t="s"><v>0</v></c></row>',
      },
    ],
  });
}

export type XlsxCell = string | { number: string };

/** A one-sheet XLSX from rows of cells: strings inline, numbers as written (`<v>` holds exactly `number`). */
export function cellsXlsx(rows: XlsxCell[][]): Buffer {
  const xml = rows
    .map((cells, r) => {
      const body = cells
        .map((cell, c) => {
          const ref = `${columnName(c)}${r + 1}`;
          if (typeof cell === 'string')
            return cell === ''
              ? ''
              : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(cell)}</t></is></c>`;
          return `<c r="${ref}"><v>${cell.number}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${body}</row>`;
    })
    .join('');
  return workbookXlsx({ sheets: [{ name: 'Customers', xml }] });
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ─── processes and files ──────────────────────────────────────────────────────────────────────────────

export function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Every file under `root`, as paths relative to it → size. */
export async function fileTree(root: string): Promise<Map<string, number>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = new Map<string, number>();
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    files.set(relative(root, path), (await stat(path).catch(() => ({ size: -1 }))).size);
  }
  return files;
}

export type ServeProcess = {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr. */
  output: string[];
  stop(): Promise<number | null>;
};

/** A real `customer-sync serve --port 0` (tsx, from source) with `env`; resolves once it listens. */
export async function spawnServe(env: Record<string, string>, timeoutMs = 60_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, cliArgv(['serve', '--port', '0', '--host', '127.0.0.1']), {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output.join('')}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      output.push(d.toString('utf8'));
      const match = /customer-sync serve: (http:\/\/[\d.]+:\d+)\//.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${output.join('')}`));
    });
  });
  return {
    child,
    url,
    output,
    async stop() {
      if (!alive(child)) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      return code;
    },
  };
}

// ─── what EnKash received ─────────────────────────────────────────────────────────────────────────────

/** The fields of one customer as the file said them (after the documented normalisation). */
export type ExpectedCustomer = {
  uniqueRefNo: string;
  legalName?: string;
  panOrGstin?: string;
  accountNumber?: string;
  ifsc?: string;
  pinCode?: string;
  address?: string;
  state?: string;
  contactName?: string;
  mobile?: string;
  email?: string;
};

type SandboxCustomer = {
  uniqueRefNo?: string | null;
  customerKeyContacts?: { name?: string | null; mobile?: string | null; email?: string | null }[] | null;
} & Record<string, unknown>;

/**
 * Compares what the sandbox holds with what the file said: one line per difference (a customer missing,
 * duplicated, or a field whose value is not the file's). Empty means nothing was altered.
 */
export function differences(expected: ExpectedCustomer[], customers: SandboxCustomer[]): string[] {
  const problems: string[] = [];
  for (const want of expected) {
    const found = customers.filter((c) => c.uniqueRefNo === want.uniqueRefNo);
    if (found.length !== 1) {
      problems.push(`${want.uniqueRefNo}: ${found.length} customers in EnKash`);
      continue;
    }
    const got = found[0]!;
    const contact = got.customerKeyContacts?.[0];
    const actual: Record<string, unknown> = {
      ...got,
      contactName: contact?.name,
      mobile: contact?.mobile,
      email: contact?.email,
    };
    for (const [field, value] of Object.entries(want)) {
      if (actual[field] !== value)
        problems.push(
          `${want.uniqueRefNo}.${field}: sent ${JSON.stringify(actual[field])}, file ${JSON.stringify(value)}`,
        );
    }
  }
  return problems;
}

/**
 * Writes `request` (raw HTTP bytes) to the server at `url` and returns the status line's code, or what
 * happened instead. `hangUpAfterBytes`: send only that much, then destroy the socket (a client that
 * disconnects mid-upload).
 */
export async function rawHttp(
  url: string,
  request: Buffer,
  options: { hangUpAfterBytes?: number; timeoutMs?: number } = {},
): Promise<{ status: number | null; outcome: string }> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  const statusOf = () => {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
    return m ? Number(m[1]) : null;
  };
  if (options.hangUpAfterBytes !== undefined) {
    socket.write(request.subarray(0, options.hangUpAfterBytes));
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    return { status: statusOf(), outcome: 'hung up' };
  }
  socket.write(request);
  const ended = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('no answer'), options.timeoutMs ?? 5000);
    const done = (how: string) => {
      clearTimeout(timer);
      resolve(how);
    };
    socket.on('data', () => {
      if (statusOf() !== null) done('answered');
    });
    socket.on('close', () => done('closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => done(`error ${err.code ?? err.message}`));
  });
  socket.destroy();
  return { status: statusOf(), outcome: ended };
}
