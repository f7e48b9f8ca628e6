/**
 * Opens an XLSX: its zip directory, workbook, relationships, styles and shared strings, read once per
 * RowSource and shared by every pass over its rows. Sheets are then streamed one at a time, straight from
 * the zip, in any order.
 */
import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import type { Row } from 'exceljs';
import { ExcelPartReader, type Relationship } from './exceljs-reader.js';
import { formatBytes, type ReadLimits } from './limits.js';
import { TextTable } from '../text-table.js';
import { ZipError, locateEntryData, openZipEntry, readZipDirectory, type ZipEntry } from './zip-directory.js';

export type SheetKind = 'worksheet' | 'chartsheet' | 'other';

export type SheetInfo = { name: string; kind: SheetKind; hidden: boolean; part: string | null };

export type Workbook = {
  /** Every sheet, in tab order. */
  sheets: SheetInfo[];
  date1904: boolean;
  /** What shared-string cells (`{ sharedString: index }`) refer to. */
  sharedStrings: TextTable;
  rows(sheet: SheetInfo): AsyncIterable<Row>;
  /** The most characters a sheet's cells may hold in all, shared strings expanded (see TEXT_PER_FILE_BYTE). */
  textBudget: number;
};

/**
 * A shared string is stored once and may be referenced from any number of cells, so a small file can
 * expand to gigabytes of cell text (one 32,000-character string in every cell of a million rows), which
 * every row, report line and Redis result would then carry. A customer list's cells hold about 1.3
 * characters per byte of the .xlsx (4 when one row is repeated throughout); a sheet whose cells hold more
 * than TEXT_PER_FILE_BYTE per byte, and over TEXT_FLOOR_CHARS, is refused at the row that crosses the line.
 */
const TEXT_PER_FILE_BYTE = 16;
const TEXT_FLOOR_CHARS = 16 * 1024 * 1024;

/** workbook.xml, relationships, styles: small parts, read whole. */
const MAX_METADATA_XML_BYTES = 64 * 1024 * 1024;

const REL_OFFICE_DOCUMENT = '/officeDocument';
/** ISO 29500 Strict: exceljs does not understand its dates (`t="d"`), so such files are refused. */
const STRICT_NAMESPACE = 'http://purl.oclc.org/ooxml/spreadsheetml/main';
const DATE_1904 = /\bdate1904\s*=\s*["'](?:1|true)["']/;

type Part = { entry: ZipEntry; dataStart: number };

/** The zip's parts by name, each checked against a size cap before it is located. */
class Parts {
  constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    readonly zip: Map<string, ZipEntry>,
  ) {}

  async find(name: string, maxBytes: number, what: string): Promise<Part | null> {
    const entry = this.zip.get(name);
    if (!entry) return null;
    if (entry.uncompressedSize > maxBytes) {
      throw new ZipError(
        `its ${what} unpacks to ${formatBytes(entry.uncompressedSize)}, over the ${formatBytes(maxBytes)} we read`,
      );
    }
    return { entry, dataStart: await locateEntryData(this.file, entry) };
  }

  open(part: Part): Readable {
    return openZipEntry(this.path, part.entry, part.dataStart);
  }

  async openIfPresent(name: string | null, maxBytes: number, what: string): Promise<Readable | null> {
    const part = name ? await this.find(name, maxBytes, what) : null;
    return part && this.open(part);
  }
}

export async function loadWorkbook(
  path: string,
  file: FileHandle,
  fileSize: number,
  limits: ReadLimits,
): Promise<Workbook> {
  const parts = new Parts(path, file, await readZipDirectory(file, fileSize));
  const excel = new ExcelPartReader();
  const { dir, sheets: models, rels, date1904 } = await readWorkbookPart(parts, excel);
  const related = (type: string): string | null => {
    const rel = rels.find((r) => r.Type.endsWith(`/${type}`));
    return rel ? resolveTarget(dir, rel.Target) : null;
  };
  // Styles before any sheet: without them dates arrive as serial numbers.
  await excel.styles(await parts.openIfPresent(related('styles'), MAX_METADATA_XML_BYTES, 'styles part'));
  const sharedStrings = new TextTable();
  await excel.sharedStrings(
    await parts.openIfPresent(
      related('sharedStrings'),
      limits.maxSharedStringsXmlBytes,
      'shared-string table',
    ),
    sharedStrings,
  );
  const sheets = models.map((model): SheetInfo => {
    const rel = rels.find((r) => r.Id === model.rId);
    return {
      name: model.name,
      kind: sheetKind(rel),
      hidden: (model.state ?? 'visible') !== 'visible',
      part: rel ? resolveTarget(dir, rel.Target) : null,
    };
  });
  const sheetParts = new Map<SheetInfo, Part>();
  for (const sheet of sheets) {
    if (sheet.kind !== 'worksheet' || !sheet.part) continue;
    const found = await parts.find(sheet.part, limits.maxSheetXmlBytes, `sheet "${sheet.name}"`);
    if (found) sheetParts.set(sheet, found);
    else sheet.kind = 'other';
  }
  return {
    sheets,
    date1904,
    sharedStrings,
    rows: (sheet) => {
      const found = sheetParts.get(sheet);
      if (!found) throw new ZipError(`sheet "${sheet.name}" has no cells we can read`);
      return excel.rows(parts.open(found));
    },
    textBudget: Math.max(TEXT_FLOOR_CHARS, TEXT_PER_FILE_BYTE * fileSize),
  };
}

/** workbook.xml, found through the package relationships as the standard says, and its own relationships. */
async function readWorkbookPart(parts: Parts, excel: ExcelPartReader) {
  const packageRels = await parts.openIfPresent(
    '_rels/.rels',
    MAX_METADATA_XML_BYTES,
    'package relationships',
  );
  const rootRels = packageRels ? await excel.relationships(packageRels) : [];
  const target = rootRels.find((r) => r.Type.endsWith(REL_OFFICE_DOCUMENT))?.Target ?? 'xl/workbook.xml';
  const workbookName = resolveTarget('', target);
  const workbookPart = await parts.find(workbookName, MAX_METADATA_XML_BYTES, 'workbook part');
  if (!workbookPart) throw new ZipError(notAWorkbook(parts.zip));
  const workbookXml = await readWhole(parts.open(workbookPart));
  if (workbookXml.includes(STRICT_NAMESPACE)) {
    throw new ZipError('it is saved as "Strict Open XML Spreadsheet": save it as "Excel Workbook (.xlsx)"');
  }
  const dir = posix.dirname(workbookName);
  const relsName = posix.join(dir, '_rels', `${posix.basename(workbookName)}.rels`);
  const relsPart = await parts.openIfPresent(relsName, MAX_METADATA_XML_BYTES, 'relationships');
  const rels = relsPart ? await excel.relationships(relsPart) : [];
  const sheets = await excel.sheets(Readable.from([workbookXml]), rels);
  const date1904 = DATE_1904.test(workbookXml.toString('utf8'));
  excel.setDate1904(date1904);
  return { dir, sheets, rels, date1904 };
}

function sheetKind(rel: Relationship | undefined): SheetKind {
  if (!rel) return 'other';
  if (rel.Type.endsWith('/worksheet')) return 'worksheet';
  if (rel.Type.endsWith('/chartsheet')) return 'chartsheet';
  return 'other';
}

/** A relationship target, relative to the part's folder or absolute from the package root. */
function resolveTarget(dir: string, target: string): string {
  const joined = target.startsWith('/') ? target.slice(1) : posix.join(dir, target);
  return posix.normalize(joined).replace(/^\.\//, '');
}

function notAWorkbook(zip: Map<string, ZipEntry>): string {
  if ([...zip.keys()].some((name) => name.endsWith('workbook.bin'))) {
    return 'it is an Excel Binary Workbook (.xlsb): save it as "Excel Workbook (.xlsx)"';
  }
  if (zip.has('mimetype') && zip.has('content.xml')) {
    return 'it is an OpenDocument spreadsheet (.ods): save it as "Excel 2007-365 (.xlsx)"';
  }
  return 'it is a zip file but not an Excel workbook';
}

async function readWhole(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
