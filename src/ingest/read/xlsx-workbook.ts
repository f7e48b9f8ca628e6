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
import { ZipError, locateEntryData, openZipEntry, readZipDirectory, type ZipEntry } from './zip-directory.js';

export type SheetKind = 'worksheet' | 'chartsheet' | 'other';

export type SheetInfo = { name: string; kind: SheetKind; hidden: boolean; part: string | null };

export type Workbook = {
  /** Every sheet, in tab order. */
  sheets: SheetInfo[];
  date1904: boolean;
  rows(sheet: SheetInfo): AsyncIterable<Row>;
};

/** workbook.xml, relationships, styles: small parts, read whole. */
const MAX_METADATA_XML_BYTES = 64 * 1024 * 1024;

const REL_OFFICE_DOCUMENT = '/officeDocument';
const DATE_1904 = /\bdate1904\s*=\s*["'](?:1|true)["']/;

type Part = { entry: ZipEntry; dataStart: number };

export async function loadWorkbook(
  path: string,
  file: FileHandle,
  fileSize: number,
  limits: ReadLimits,
): Promise<Workbook> {
  const zip = await readZipDirectory(file, fileSize);
  const part = async (name: string, maxBytes: number, what: string): Promise<Part | null> => {
    const entry = zip.get(name);
    if (!entry) return null;
    if (entry.uncompressedSize > maxBytes) {
      throw new ZipError(
        `its ${what} unpacks to ${formatBytes(entry.uncompressedSize)}, over the ${formatBytes(maxBytes)} we read`,
      );
    }
    return { entry, dataStart: await locateEntryData(file, entry) };
  };
  const open = (p: Part): Readable => openZipEntry(path, p.entry, p.dataStart);
  const excel = new ExcelPartReader();

  const packageRels = await part('_rels/.rels', MAX_METADATA_XML_BYTES, 'package relationships');
  const rootRels = packageRels ? await excel.relationships(open(packageRels)) : [];
  const workbookName = resolveTarget(
    '',
    rootRels.find((r) => r.Type.endsWith(REL_OFFICE_DOCUMENT))?.Target ?? 'xl/workbook.xml',
  );
  const workbookPart = await part(workbookName, MAX_METADATA_XML_BYTES, 'workbook part');
  if (!workbookPart) throw new ZipError(notAWorkbook(zip));
  const workbookXml = await readWhole(open(workbookPart));

  const dir = posix.dirname(workbookName);
  const relsPart = await part(
    posix.join(dir, '_rels', `${posix.basename(workbookName)}.rels`),
    MAX_METADATA_XML_BYTES,
    'relationships',
  );
  const rels = relsPart ? await excel.relationships(open(relsPart)) : [];
  const models = await excel.sheets(Readable.from([workbookXml]), rels);
  const date1904 = DATE_1904.test(workbookXml.toString('utf8'));
  excel.setDate1904(date1904);

  const relPart = (type: string): string | null => {
    const rel = rels.find((r) => r.Type.endsWith(`/${type}`));
    return rel ? resolveTarget(dir, rel.Target) : null;
  };
  const stylesName = relPart('styles');
  const stylesPart = stylesName ? await part(stylesName, MAX_METADATA_XML_BYTES, 'styles part') : null;
  await excel.styles(stylesPart && open(stylesPart));
  const stringsName = relPart('sharedStrings');
  const stringsPart = stringsName
    ? await part(stringsName, limits.maxSharedStringsXmlBytes, 'shared-string table')
    : null;
  await excel.sharedStrings(stringsPart && open(stringsPart));

  const sheets = models.map((model): SheetInfo => {
    const rel = rels.find((r) => r.Id === model.rId);
    const target = rel ? resolveTarget(dir, rel.Target) : null;
    return {
      name: model.name,
      kind: sheetKind(rel),
      hidden: (model.state ?? 'visible') !== 'visible',
      part: target,
    };
  });
  const sheetParts = new Map<string, Part>();
  for (const sheet of sheets) {
    if (sheet.kind !== 'worksheet' || !sheet.part) continue;
    const found = await part(sheet.part, limits.maxSheetXmlBytes, `sheet "${sheet.name}"`);
    if (found) sheetParts.set(sheet.part, found);
    else sheet.kind = 'other';
  }
  return {
    sheets,
    date1904,
    rows: (sheet) => {
      const found = sheet.part ? sheetParts.get(sheet.part) : undefined;
      if (!found) throw new ZipError(`sheet "${sheet.name}" has no cells we can read`);
      return excel.rows(open(found));
    },
  };
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
