import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/domain/errors.js';
import {
  buildColumnMap,
  detectColumns,
  loadMappingFile,
  parseMappingFile,
  type MappingFile,
} from '../../../src/ingest/columns/index.js';
import { h, header, hs, rows, summary } from './rows.js';

const fileName = 'debtors.xlsx';
const mapping = (json: object, name = 'map.json'): MappingFile =>
  parseMappingFile(JSON.stringify(json), name);

describe('parseMappingFile', () => {
  it('accepts the shipped example', () => {
    const text = readFileSync(
      new URL('../../../jobs/mappings/example-mapping.json', import.meta.url),
      'utf8',
    );
    const parsed = parseMappingFile(text, 'example-mapping.json');
    expect(parsed).toMatchObject({
      preset: 'tally',
      sheet: 'Sundry Debtors',
      headerRow: 6,
      autoDetect: true,
    });
    expect(parsed.fileName).toBe('example-mapping.json');
  });

  it('fills defaults for the optional keys', () => {
    expect(mapping({})).toEqual({
      autoDetect: true,
      columns: {},
      ignore: [],
      defaults: {},
      fileName: 'map.json',
    });
  });

  it('reports every problem at once, with its path', () => {
    const bad = {
      preset: 'quickbooks',
      headerRow: 0,
      colums: {},
      columns: { gstin: 5, contacts: [{ phone: 'Mobile' }], address: [{ letter: '12' }] },
      defaults: { source: 'ZOHO' },
    };
    let message = '';
    try {
      mapping(bad, 'bad.json');
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^bad\.json is not a valid mapping file:\n/);
    expect(message).toContain(
      '  preset: Invalid option: expected one of "tally"|"zoho-books"|"busy"|"sap-b1"|"marg"',
    );
    expect(message).toContain('  headerRow: Too small: expected number to be >=1');
    expect(message).toContain(
      '  columns.gstin: expected a header as written in the file ("Party Name") or {"letter": "C"}, a list of them, or null',
    );
    expect(message).toContain(
      '  columns.contacts[0]: unknown key "phone"; allowed here: name, firstName, lastName, mobile, email',
    );
    expect(message).toContain(
      '  columns.address[0].letter: expected an Excel column letter such as "C" or "AB"',
    );
    expect(message).toContain('  defaults.source: Invalid option: expected one of "ENKASH"|"TALLY"');
    expect(message).toContain(
      '  (top level): unknown key "colums"; allowed here: description, preset, sheet, headerRow',
    );
    expect(message).toMatch(/docs\/mapping-file\.md\.$/);
  });

  it('points at the line of a JSON syntax error', () => {
    expect(() => parseMappingFile('{\n  "columns": {\n    "gstin": "GSTIN",\n  }\n}', 'broken.json')).toThrow(
      /^broken\.json is not valid JSON: .*\(line 4, column 3\)$/,
    );
  });
});

describe('loadMappingFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mapping-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file (BOM and all) and names it by its base name', async () => {
    const path = join(dir, 'm.json');
    await writeFile(path, '\uFEFF{"columns": {"legalName": "Party"}}');
    const loaded = await loadMappingFile(path);
    expect(loaded.fileName).toBe('m.json');
    expect(loaded.columns.legalName).toBe('Party');
  });

  it('says plainly when the file is missing', async () => {
    await expect(loadMappingFile(join(dir, 'nope.json'))).rejects.toThrow(
      `mapping file not found: ${join(dir, 'nope.json')}`,
    );
  });
});

describe('a mapping file applied', () => {
  const exampleHeader = header(
    [
      'Name',
      'Under',
      'Mailing Name',
      'Party Code',
      'Address 1',
      'Address 2',
      'City',
      'State',
      'Pincode',
      'GSTIN/UIN',
      'PAN/IT No.',
      'Contact Person',
      'Mobile No.',
      'E-Mail',
      'Accounts Contact',
      'Accounts Mobile',
      'Accounts E-Mail',
      'Bank A/c No.',
      'Blocked',
      'Opening Balance',
      'Remarks',
    ],
    6,
  );

  it('maps the shipped example field by field', () => {
    const text = readFileSync(
      new URL('../../../jobs/mappings/example-mapping.json', import.meta.url),
      'utf8',
    );
    const map = detectColumns([...rows(['Sharma Traders Pvt Ltd'], ['List of Ledgers']), exampleHeader], {
      fileName,
      mapping: parseMappingFile(text, 'example-mapping.json'),
    });
    expect(summary(map)).toEqual({
      fields: {
        legalName: 'Mailing Name',
        uniqueRefNo: 'Party Code',
        gstin: 'GSTIN/UIN',
        pan: 'PAN/IT No.',
        contactNumber: 'Mobile No.',
        pinCode: 'Pincode',
        state: 'State',
        status: 'Blocked',
      },
      fallbacks: { legalName: ['Name'] },
      address: ['Address 1', 'Address 2', 'City'],
      contacts: [
        { name: 'Contact Person', mobile: 'Mobile No.', email: 'E-Mail' },
        { name: 'Accounts Contact', mobile: 'Accounts Mobile', email: 'Accounts E-Mail' },
      ],
      // "Bank A/c No." looks like an account number, but the mapping says null; "Under" is ignored.
      unused: ['Bank A/c No.', 'Remarks'],
    });
    expect(map.headerRow).toBe(6);
    expect(map.origin).toBe('mapping:example-mapping.json');
    expect(map.defaults).toEqual({ source: 'TALLY', externalSource: true });
    expect(map.statusInverted).toBe(true);
    expect(map.statusWords?.active).toEqual(expect.arrayContaining(['Live', 'N']));
    expect(map.statusWords?.inactive).toEqual(expect.arrayContaining(['Closed', 'Y']));
  });

  it('detects the fields it leaves out, unless autoDetect is false', () => {
    const row = header(['Party', 'GST No', 'Mobile', 'Notes']);
    const partial = buildColumnMap(row, { fileName, mapping: mapping({ columns: { legalName: 'Party' } }) });
    expect(h(partial.fields.legalName)).toBe('Party');
    expect(h(partial.fields.gstin)).toBe('GST No');
    expect(h(partial.contacts[0]?.mobile)).toBe('Mobile');
    const strict = buildColumnMap(row, {
      fileName,
      mapping: mapping({ autoDetect: false, columns: { legalName: 'Party' } }),
    });
    expect(summary(strict)).toMatchObject({
      fields: { legalName: 'Party' },
      contacts: [],
      unused: ['GST No', 'Mobile', 'Notes'],
    });
  });

  it('null keeps detection away from a field, its inverted form and its city columns included', () => {
    const row = header(['Party Name', 'Frozen', 'Street', 'City', 'GSTIN']);
    const map = buildColumnMap(row, {
      fileName,
      mapping: mapping({ columns: { status: null, address: ['Street'], gstin: null } }),
    });
    expect(map.fields.status).toBeUndefined();
    expect(map.statusInverted).toBeUndefined();
    expect(map.fields.gstin).toBeUndefined();
    expect(hs(map.address)).toEqual(['Street']);
    expect(hs(map.unused)).toEqual(['Frozen', 'City', 'GSTIN']);
  });

  it('takes column letters for blank or repeated headers', () => {
    const row = header(['Party Name', 'Mobile', '', 'Mobile']);
    const map = buildColumnMap(row, {
      fileName,
      mapping: mapping({
        columns: { contacts: [{ name: { letter: 'c' }, mobile: { letter: 'D' } }], pinCode: { letter: 'F' } },
      }),
    });
    expect(map.contacts).toEqual([
      { name: { index: 2, header: 'Column C' }, mobile: { index: 3, header: 'Mobile' } },
    ]);
    // Beyond the last header: readers drop trailing empty header cells, the data may still be there.
    expect(map.fields.pinCode).toEqual({ index: 5, header: 'Column F' });
    expect(h(map.fields.contactNumber)).toBe('Mobile');
    expect(hs(map.unused)).toEqual(['Mobile']);
  });

  it('matches header names loosely but prefers the exact one', () => {
    const row = header(['GST No', 'gst no.', 'Party Name']);
    const map = buildColumnMap(row, { fileName, mapping: mapping({ columns: { gstin: 'gst no.' } }) });
    expect(map.fields.gstin?.index).toBe(1);
    const loose = buildColumnMap(row, { fileName, mapping: mapping({ columns: { gstin: 'GST  NO' } }) });
    expect(loose.fields.gstin?.index).toBe(0);
  });

  it('lists every column it cannot find, with a suggestion and the headers found', () => {
    const row = header(['Party Name', 'GSTIN/UIN', 'Cell', 'Code'], 3);
    const run = () =>
      buildColumnMap(row, {
        fileName,
        mapping: mapping(
          {
            columns: { gstin: 'GST No', contacts: [{ mobile: 'Mobile No.' }], uniqueRefNo: { letter: 'A' } },
            ignore: ['Opening Balance'],
          },
          'debtors.json',
        ),
      });
    expect(run).toThrow(UserError);
    expect(run).toThrow(
      'debtors.json: 3 columns named in the mapping are not in debtors.xlsx:\n' +
        '  columns.gstin: "GST No" is not in the file (did you mean "GSTIN/UIN"?)\n' +
        '  columns.contacts[0].mobile: "Mobile No." is not in the file (did you mean "Cell"?)\n' +
        '  ignore[0]: "Opening Balance" is not in the file\n' +
        'Headers in row 3: "Party Name", "GSTIN/UIN", "Cell", "Code"',
    );
  });

  it('needs a name column, and says so in mapping terms', () => {
    const row = header(['Party Name', 'GSTIN']);
    expect(() =>
      buildColumnMap(row, { fileName, mapping: mapping({ columns: { legalName: null } }, 'm.json') }),
    ).toThrow(
      /^debtors\.xlsx: no customer name column found \(with mapping m\.json\)\. .*name the column in the mapping file's "columns\.legalName"\.$/,
    );
  });

  it('uses headerRow as given, and says when it is out of reach', () => {
    const head = rows(['Party Name', 'GSTIN'], ['Code', 'Customer Name']);
    expect(detectColumns(head, { fileName, mapping: mapping({ headerRow: 2 }) }).fields.legalName).toEqual({
      index: 1,
      header: 'Customer Name',
    });
    expect(() => detectColumns(head, { fileName, mapping: mapping({ headerRow: 40 }, 'm.json') })).toThrow(
      'm.json: headerRow 40 is not among the first 2 rows of debtors.xlsx',
    );
  });

  it('refuses a --preset that disagrees with the mapping file', () => {
    expect(() =>
      buildColumnMap(header(['Name']), { fileName, preset: 'busy', mapping: mapping({ preset: 'tally' }) }),
    ).toThrow(`--preset busy and the mapping file's "preset": "tally" disagree: give one of them`);
  });

  it('uses the preset a mapping file names', () => {
    const map = buildColumnMap(header(['Name', 'Mailing Name']), {
      fileName,
      mapping: mapping({ preset: 'tally' }),
    });
    expect(h(map.fields.legalName)).toBe('Mailing Name');
    expect(map.defaults).toEqual({ source: 'TALLY', externalSource: true });
  });
});
