/**
 * A tiny zip writer and a hand-written minimal XLSX, to build workbooks no spreadsheet program would write:
 * bombs, lying directories, odd part orders, hidden and chart sheets. No test framework imports, so scripts
 * can use it too.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export type ZipPart = {
  name: string;
  data: string | Buffer;
  /** Store deflated (default) or as is. */
  deflate?: boolean;
  /** Lie in the directory about the inflated size. */
  declaredSize?: number;
  /** Declare the inflated size in a zip64 extra field of the directory (for sizes over 4 GB). */
  zip64DeclaredSize?: bigint;
  /** A body deflated already (a bomb built from one repeated block): `data` is then ignored. */
  deflated?: { body: Buffer; crc: number; size: number };
};

/** Writes a zip with the parts in the given order: enough to build workbooks exceljs would never write. */
export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const raw = typeof part.data === 'string' ? Buffer.from(part.data, 'utf8') : part.data;
    const deflate = part.deflated !== undefined || (part.deflate ?? true);
    const body = part.deflated?.body ?? (deflate ? deflateRawSync(raw) : raw);
    const name = Buffer.from(part.name, 'utf8');
    const size = part.declaredSize ?? part.deflated?.size ?? raw.length;
    const crc = part.deflated?.crc ?? crc32(raw);
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at);
      header.writeUInt16LE(0x0800, at + 2);
      header.writeUInt16LE(deflate ? 8 : 0, at + 4);
      header.writeUInt32LE(crc >>> 0, at + 10);
      header.writeUInt32LE(body.length, at + 14);
      header.writeUInt32LE(size, at + 18);
      header.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    fields(central, 6);
    central.writeUInt32LE(offset, 42);
    const extra = Buffer.alloc(part.zip64DeclaredSize === undefined ? 0 : 12);
    if (part.zip64DeclaredSize !== undefined) {
      central.writeUInt32LE(0xffffffff, 24);
      central.writeUInt16LE(extra.length, 30);
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(8, 2);
      extra.writeBigUInt64LE(part.zip64DeclaredSize, 4);
    }
    locals.push(local, name, body);
    centrals.push(central, name, extra);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export type SheetSpec = {
  name: string;
  xml?: string;
  kind?: 'worksheet' | 'chartsheet';
  state?: string;
  zip64DeclaredSize?: bigint;
};

/**
 * A minimal hand-written XLSX: workbook, relationships, optional shared strings and styles, and sheets
 * whose `<sheetData>` content is given as XML. Parts come in the order Excel writes them (sheets before
 * sharedStrings.xml) unless `order` says otherwise.
 */
export function workbookXlsx(options: {
  sheets: SheetSpec[];
  sharedStrings?: string;
  styles?: string;
  workbookPr?: string;
  extraParts?: ZipPart[];
}): Buffer {
  const sheetEntries = options.sheets
    .map(
      (s, i) =>
        `<sheet name="${s.name}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`,
    )
    .join('');
  const rels = options.sheets
    .map((s, i) =>
      s.kind === 'chartsheet'
        ? `<Relationship Id="rId${i + 1}" Type="${REL}/chartsheet" Target="chartsheets/sheet${i + 1}.xml"/>`
        : `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
    )
    .join('');
  const extraRels =
    (options.sharedStrings !== undefined
      ? `<Relationship Id="rS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`
      : '') +
    (options.styles !== undefined ? `<Relationship Id="rT" Type="${REL}/styles" Target="styles.xml"/>` : '');
  const parts: ZipPart[] = [
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0"?><workbook xmlns="${NS}" xmlns:r="${REL}">${options.workbookPr ?? ''}<sheets>${sheetEntries}</sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}${extraRels}</Relationships>`,
    },
    ...(options.styles !== undefined ? [{ name: 'xl/styles.xml', data: options.styles }] : []),
    ...options.sheets.map((s, i) =>
      s.kind === 'chartsheet'
        ? {
            name: `xl/chartsheets/sheet${i + 1}.xml`,
            data: `<?xml version="1.0"?><chartsheet xmlns="${NS}"/>`,
          }
        : {
            name: `xl/worksheets/sheet${i + 1}.xml`,
            data: sheetXml(s.xml ?? ''),
            ...(s.zip64DeclaredSize !== undefined ? { zip64DeclaredSize: s.zip64DeclaredSize } : {}),
          },
    ),
    ...(options.sharedStrings !== undefined
      ? [{ name: 'xl/sharedStrings.xml', data: options.sharedStrings }]
      : []),
    ...(options.extraParts ?? []),
  ];
  return zip(parts);
}

export function sheetXml(sheetData: string): string {
  return `<?xml version="1.0"?><worksheet xmlns="${NS}" xmlns:r="${REL}"><sheetData>${sheetData}</sheetData></worksheet>`;
}

export function sharedStringsXml(strings: string[]): string {
  return `<?xml version="1.0"?><sst xmlns="${NS}" count="${strings.length}" uniqueCount="${strings.length}">${strings
    .map((s) => `<si><t xml:space="preserve">${s}</t></si>`)
    .join('')}</sst>`;
}
