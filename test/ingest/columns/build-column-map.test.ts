import { describe, expect, it } from 'vitest';
import { buildColumnMap } from '../../../src/ingest/columns/index.js';
import { UserError } from '../../../src/domain/errors.js';
import { h, header, hs, summary } from './rows.js';

const fileName = 'customers.xlsx';

describe('buildColumnMap (auto)', () => {
  it('maps a hand-kept Excel field by field, with numbered second contacts', () => {
    const row = header([
      'S.No.',
      'Customer Code',
      'Customer Name',
      'GST No',
      'PAN No',
      'Contact Person',
      'Mobile No.',
      'Email ID',
      'Address 1',
      'Address 2',
      'City',
      'State',
      'Pincode',
      'Bank A/c No.',
      'IFSC Code',
      'Status',
      'Contact Person 2',
      'Mobile 2',
      'Contact 2 Email',
      'Remarks',
    ]);
    const map = buildColumnMap(row, { fileName });
    expect(summary(map)).toEqual({
      fields: {
        legalName: 'Customer Name',
        uniqueRefNo: 'Customer Code',
        gstin: 'GST No',
        pan: 'PAN No',
        contactNumber: 'Mobile No.',
        accountNumber: 'Bank A/c No.',
        ifsc: 'IFSC Code',
        pinCode: 'Pincode',
        state: 'State',
        status: 'Status',
      },
      fallbacks: {},
      address: ['Address 1', 'Address 2', 'City'],
      contacts: [
        { name: 'Contact Person', mobile: 'Mobile No.', email: 'Email ID' },
        { name: 'Contact Person 2', mobile: 'Mobile 2', email: 'Contact 2 Email' },
      ],
      unused: ['S.No.', 'Remarks'],
    });
    expect(map.headerRow).toBe(1);
    expect(map.headers[0]).toBe('S.No.');
    expect(map.origin).toBe('auto');
    expect(map.defaults).toEqual({});
    expect(map.fields.gstin).toEqual({ index: 3, header: 'GST No' });
  });

  it.each([
    ['GSTIN/UIN', 'gstin uin', 'gstin'],
    ['PAN/IT No.', 'pan it no', 'pan'],
    ['Bank A/c No.', 'bank ac no', 'accountNumber'],
    ['IFS Code', 'ifs-code', 'ifsc'],
    ['PIN Code', 'PINCODE', 'pinCode'],
  ] as const)('ignores case, spacing and punctuation: %s = %s', (a, b, field) => {
    expect(h(buildColumnMap(header(['Party Name', a]), { fileName }).fields[field])).toBe(a);
    expect(h(buildColumnMap(header(['Party Name', b]), { fileName }).fields[field])).toBe(b);
  });

  it('matches E-mail, Mobile No. and headers with notes or section prefixes', () => {
    const map = buildColumnMap(
      header(['Name*', 'E-mail', 'Mobile No. (10 digits)', 'Mailing Details - State', 'Pincode [6 digits]']),
      { fileName },
    );
    expect(h(map.fields.legalName)).toBe('Name*');
    expect(h(map.contacts[0]?.email)).toBe('E-mail');
    expect(h(map.contacts[0]?.mobile)).toBe('Mobile No. (10 digits)');
    expect(h(map.fields.state)).toBe('Mailing Details - State');
    expect(h(map.fields.pinCode)).toBe('Pincode [6 digits]');
  });

  it('prefers the better synonym when two columns match, whatever their order', () => {
    const map = buildColumnMap(header(['Phone', 'Name', 'Mobile', 'Legal Name']), { fileName });
    expect(h(map.fields.legalName)).toBe('Legal Name');
    expect(hs(map.fallbacks?.legalName)).toEqual(['Name']);
    expect(h(map.contacts[0]?.mobile)).toBe('Mobile');
    expect(hs(map.unused)).toEqual(['Phone']);
  });

  it('joins First Name + Last Name into the contact when there is no contact-person column', () => {
    const map = buildColumnMap(header(['Customer Name', 'First Name', 'Last Name', 'Mobile']), { fileName });
    expect(map.contacts).toEqual([
      {
        firstName: { index: 1, header: 'First Name' },
        lastName: { index: 2, header: 'Last Name' },
        mobile: { index: 3, header: 'Mobile' },
      },
    ]);
  });

  it('numbers contacts from many spellings', () => {
    const map = buildColumnMap(
      header([
        'Party Name',
        'Contact Person 1',
        'Mobile 1',
        'Contact2 Name',
        'Contact 2 Mobile',
        '2nd Contact Email',
        'Third Contact Person',
        'Email 3',
      ]),
      { fileName },
    );
    expect(map.contacts.map((c) => summaryOf(c))).toEqual([
      { name: 'Contact Person 1', mobile: 'Mobile 1' },
      { name: 'Contact2 Name', mobile: 'Contact 2 Mobile', email: '2nd Contact Email' },
      { name: 'Third Contact Person', email: 'Email 3' },
    ]);
    expect(map.unused).toEqual([]);
    const alternate = buildColumnMap(header(['Party Name', 'Mobile', 'Alternate Mobile']), { fileName });
    expect(alternate.contacts.map((c) => summaryOf(c))).toEqual([
      { mobile: 'Mobile' },
      { mobile: 'Alternate Mobile' },
    ]);
  });

  it('repeated contact headers become the next contacts; other repeats keep the first', () => {
    const map = buildColumnMap(
      header([
        'Party Name',
        'GSTIN',
        'Contact Person',
        'Mobile',
        'Contact Person',
        'Mobile',
        'GSTIN',
        'Party Name',
      ]),
      { fileName },
    );
    expect(map.contacts).toEqual([
      { name: { index: 2, header: 'Contact Person' }, mobile: { index: 3, header: 'Mobile' } },
      { name: { index: 4, header: 'Contact Person' }, mobile: { index: 5, header: 'Mobile' } },
    ]);
    expect(map.fields.gstin?.index).toBe(1);
    expect(map.fields.legalName?.index).toBe(0);
    expect(map.fallbacks).toBeUndefined();
    expect(map.unused).toEqual([
      { index: 6, header: 'GSTIN' },
      { index: 7, header: 'Party Name' },
    ]);
  });

  it('ignores blank header cells, and trims the ones it keeps', () => {
    const map = buildColumnMap(
      { row: 1, values: ['  Party Name\u00a0', null, '', 'GSTIN', 42] },
      { fileName },
    );
    expect(map.headers).toEqual(['Party Name', '', '', 'GSTIN', '42']);
    expect(map.fields.legalName).toEqual({ index: 0, header: 'Party Name' });
    expect(hs(map.unused)).toEqual(['42']);
  });

  it('uses an explicit contact number column, else the primary mobile', () => {
    const explicit = buildColumnMap(header(['Party Name', 'Contact Number', 'Mobile']), { fileName });
    expect(h(explicit.fields.contactNumber)).toBe('Contact Number');
    expect(h(explicit.contacts[0]?.mobile)).toBe('Mobile');
    const follows = buildColumnMap(header(['Party Name', 'Phone']), { fileName });
    expect(h(follows.fields.contactNumber)).toBe('Phone');
  });

  it('reads an Inactive / Blocked column the other way round', () => {
    const map = buildColumnMap(header(['Party Name', 'Blocked']), { fileName });
    expect(h(map.fields.status)).toBe('Blocked');
    expect(map.statusInverted).toBe(true);
    expect(map.statusWords?.inactive).toContain('Yes');
    const plain = buildColumnMap(header(['Party Name', 'Is Active', 'Frozen']), { fileName });
    expect(h(plain.fields.status)).toBe('Is Active');
    expect(plain.statusInverted).toBeUndefined();
    expect(plain.statusWords?.active).toContain('Yes');
  });

  it('throws a UserError naming the file and the headers when no name column exists', () => {
    let error: unknown;
    try {
      buildColumnMap(header(['Customer Code', 'GSTIN', 'Mobile'], 4), { fileName });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'customers.xlsx: no customer name column found. Headers in row 4: "Customer Code", "GSTIN", "Mobile". ' +
        'Expected a name column such as "Party Name", "Customer Name" or "Legal Name"; ' +
        'use --preset (tally, zoho-books, busy, sap-b1, marg) or --mapping FILE (see docs/mapping-file.md).',
    );
  });
});

function summaryOf(c: object): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, (v as { header: string }).header]));
}
