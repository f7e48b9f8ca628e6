/**
 * The one place that touches exceljs's streaming reader from the inside. exceljs 4.4's WorkbookReader reads
 * a zip front to back, spools every sheet stored before sharedStrings.xml (Excel's own order) to a temp
 * file, and cannot skip a sheet without inflating it. We feed its part parsers ourselves, from our zip
 * reader, in the order we choose. exceljs is frozen at 4.4.0 (last release January 2024, pinned in the
 * lock file); `assertInternals` fails loudly, at the first workbook opened, if an upgrade moved these.
 *
 * Source: node_modules/exceljs/lib/stream/xlsx/workbook-reader.js and worksheet-reader.js.
 */
import { Transform, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Row } from 'exceljs';
import type { TextTable } from '../text-table.js';

export type Relationship = { Id: string; Type: string; Target: string };
export type SheetModel = { name: string; id: number; rId: string; state?: string };

type Internals = {
  workbookRels?: Relationship[];
  model?: { sheets?: SheetModel[] };
  sharedStrings?: unknown[];
  properties?: { model?: { date1904?: boolean } };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: Readable, sheetNo: string): Iterable<{ eventType: string; value: unknown }>;
};

const METHODS = ['_parseRels', '_parseWorkbook', '_parseSharedStrings', '_parseStyles', '_parseWorksheet'];

export class ExcelPartReader {
  private readonly reader: Internals;

  constructor() {
    // The input is never read: parts are handed over one by one below. Styles must be cached or dates
    // arrive as serial numbers; hyperlinks are ignored because in a stream they come after the cells
    // (a hyperlink cell's value is its displayed text either way).
    const reader = new ExcelJS.stream.xlsx.WorkbookReader('unused.xlsx', {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    this.reader = reader as unknown as Internals;
    assertInternals(this.reader);
  }

  async relationships(part: Readable): Promise<Relationship[]> {
    this.reader.workbookRels = undefined;
    await settled(part, () => this.reader._parseRels(part));
    return this.reader.workbookRels ?? [];
  }

  /** Parses workbook.xml; keeps the workbook relationships exceljs uses to name sheets. */
  async sheets(workbookXml: Readable, workbookRels: Relationship[]): Promise<SheetModel[]> {
    await settled(workbookXml, () => this.reader._parseWorkbook(workbookXml));
    this.reader.workbookRels = workbookRels;
    const sheets = this.reader.model?.sheets ?? [];
    this.reader.model = { sheets };
    return sheets;
  }

  /**
   * Parses the shared-string table into `table`, outside the JS heap: each time the next chunk of XML goes
   * in, the strings exceljs has pushed since are moved into the table and exceljs's array is emptied, so it
   * never holds more than a few chunks' worth. Sheets are then parsed with no table set, so exceljs leaves
   * each shared-string cell as `{ sharedString: index }`, resolved in xlsx-values.ts.
   */
  async sharedStrings(part: Readable | null, table: TextTable): Promise<void> {
    this.reader.sharedStrings = [];
    if (part) {
      const moveNew = () => {
        // exceljs replaces the array when it starts parsing: always read it afresh.
        const pushed = this.reader.sharedStrings ?? [];
        for (const entry of pushed) table.push(plainText(entry));
        pushed.length = 0;
      };
      const tapped = part.pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, next) {
            moveNew();
            next(null, chunk);
          },
        }),
      );
      part.on('error', (err) => tapped.destroy(err));
      await settled(part, async () => {
        for await (const _ of this.reader._parseSharedStrings(tapped));
      });
      moveNew();
    }
    this.reader.sharedStrings = undefined;
  }

  async styles(part: Readable | null): Promise<void> {
    if (part) await settled(part, () => this.reader._parseStyles(part));
  }

  /** exceljs reads `date1904 === '1'` only; we pass what we read ourselves (LibreOffice writes `true`). */
  setDate1904(date1904: boolean): void {
    this.reader.properties = { model: { date1904 } };
  }

  /** The sheet's rows as exceljs Row objects, streamed from `sheetXml`. */
  rows(sheetXml: Readable): AsyncIterable<Row> {
    for (const event of this.reader._parseWorksheet(sheetXml, '0')) {
      if (event.eventType === 'worksheet') return event.value as AsyncIterable<Row>;
    }
    throw new Error('exceljs did not create a worksheet reader');
  }
}

/**
 * Runs one of exceljs's part parsers and then destroys the part's stream: when the parser throws (bad XML),
 * exceljs leaves the stream paused with its listeners attached, and the file open.
 */
async function settled(part: Readable, parse: () => Promise<void>): Promise<void> {
  try {
    await parse();
  } finally {
    part.destroy();
  }
}

/** A table entry as text: rich text becomes its plain text (the font of each run is of no use to us). */
function plainText(entry: unknown): string | null {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'object' && entry !== null && 'richText' in entry && Array.isArray(entry.richText)) {
    return entry.richText
      .map((run: { text?: unknown }) => (typeof run.text === 'string' ? run.text : ''))
      .join('');
  }
  return null;
}

function assertInternals(reader: Internals): void {
  const missing = METHODS.filter(
    (name) => typeof (reader as unknown as Record<string, unknown>)[name] !== 'function',
  );
  if (missing.length > 0) {
    throw new Error(
      `exceljs internals changed (missing ${missing.join(', ')}): see src/ingest/read/exceljs-reader.ts`,
    );
  }
}
