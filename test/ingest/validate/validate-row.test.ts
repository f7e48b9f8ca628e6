import { describe, expect, it } from 'vitest';
import { formatFieldError, type ParsedRow, type ValidRow } from '../../../src/domain/types.js';
import { CustomerCreateSchema } from '../../../src/contract/enkash-api.js';
import { toParsedRow, type ValidateOptions } from '../../../src/ingest/validate/validate-row.js';
import { TALLY_HEADERS, TALLY_MAP, mapFor, rowOf, tallyRow } from './map-helpers.js';

const byCode: ValidateOptions = { matchKey: 'uniqueRefNo' };

function valid(parsed: ParsedRow): ValidRow {
  if (parsed.kind !== 'valid') throw new Error(parsed.errors.map(formatFieldError).join('\n'));
  expect(CustomerCreateSchema.safeParse(parsed.customer).success).toBe(true);
  return parsed;
}

function messages(parsed: ParsedRow): string[] {
  if (parsed.kind !== 'invalid') throw new Error('expected an invalid row');
  return parsed.errors.map(formatFieldError);
}

describe('toParsedRow: a valid row', () => {
  it('builds the whole createCustomer payload from a Tally row', () => {
    const row = valid(
      toParsedRow(tallyRow(7), TALLY_MAP, { matchKey: 'uniqueRefNo', companyId: 'CEKSANDBX1' }),
    );
    expect(row).toEqual({
      kind: 'valid',
      row: 7,
      key: { field: 'uniqueRefNo', value: 'C-001' },
      status: 'ACTIVE',
      warnings: [],
      customer: {
        legalName: 'Ganesh Traders Pvt Ltd',
        customerKeyContacts: [
          {
            name: 'Ravi Kumar',
            mobile: '9876543210',
            legalName: 'Ganesh Traders Pvt Ltd',
            deleted: false,
            email: 'ravi@ganesh.example.in',
          },
        ],
        uniqueRefNo: 'C-001',
        panOrGstin: '27AAPFU0939F1ZV',
        contactNumber: '9876543210',
        accountNumber: '50100123456789',
        ifsc: 'HDFC0001234',
        pinCode: '411001',
        address: '12, MG Road, Pune',
        state: 'Maharashtra',
        companyId: 'CEKSANDBX1',
        externalSource: true,
        source: 'TALLY',
      },
    });
  });

  it('leaves empty optional fields out of the payload instead of sending ""', () => {
    const row = valid(
      toParsedRow(
        tallyRow(2, {
          'PAN/IT No.': '',
          'GSTIN/UIN': 'N/A',
          'IFS Code': '',
          'A/c No.': '-',
          State: null,
          Status: '',
        }),
        TALLY_MAP,
        byCode,
      ),
    );
    expect(Object.keys(row.customer)).not.toContain('panOrGstin');
    expect(Object.keys(row.customer)).not.toContain('ifsc');
    expect(Object.keys(row.customer)).not.toContain('accountNumber');
    expect(Object.keys(row.customer)).not.toContain('state');
    expect(row.status).toBeUndefined();
  });

  it('joins address parts with ", ", skipping empty and placeholder parts', () => {
    const row = valid(toParsedRow(tallyRow(2, { 'Address 2': 'NA', City: ' Pune ' }), TALLY_MAP, byCode));
    expect(row.customer.address).toBe('12, MG Road, Pune');
  });

  it('sets source only from the map defaults; externalSource true unless the defaults say otherwise', () => {
    const plain = mapFor(TALLY_HEADERS, {
      fields: { legalName: 'Name', uniqueRefNo: 'Customer Code' },
      contacts: [{ mobile: 'Mobile No.' }],
    });
    const row = valid(toParsedRow(tallyRow(2), plain, byCode));
    expect(row.customer.source).toBeUndefined();
    expect(row.customer.externalSource).toBe(true);
    const internal = { ...plain, defaults: { source: 'ENKASH' as const, externalSource: false } };
    const row2 = valid(toParsedRow(tallyRow(2), internal, byCode));
    expect(row2.customer).toMatchObject({ source: 'ENKASH', externalSource: false });
  });

  it('uses the phone column for contactNumber when it is filled, the primary mobile otherwise', () => {
    const withPhone = valid(toParsedRow(tallyRow(2, { 'Phone No.': '(020) 2345 6789' }), TALLY_MAP, byCode));
    expect(withPhone.customer.contactNumber).toBe('2023456789');
    expect(withPhone.warnings).toEqual([]);
    const without = valid(toParsedRow(tallyRow(2), TALLY_MAP, byCode));
    expect(without.customer.contactNumber).toBe('9876543210');
  });

  it('reads status words, a preset’s own words, and an inverted (Frozen) column', () => {
    const status = (cell: unknown, extra: Parameters<typeof mapFor>[1] = {}) => {
      const map = mapFor(TALLY_HEADERS, {
        fields: { legalName: 'Name', uniqueRefNo: 'Customer Code', status: 'Status' },
        contacts: [{ mobile: 'Mobile No.' }],
        ...extra,
      });
      return valid(toParsedRow(tallyRow(2, { Status: cell as string }), map, byCode)).status;
    };
    expect(status('Inactive')).toBe('INACTIVE');
    expect(status('enabled')).toBe('ACTIVE');
    expect(status(false)).toBe('INACTIVE');
    expect(status('tNO', { statusWords: { active: ['tYES'], inactive: ['tNO'] } })).toBe('INACTIVE');
    expect(status('Y', { statusInverted: true })).toBe('INACTIVE');
    expect(status('No', { statusInverted: true })).toBe('ACTIVE');
    expect(status(true, { statusInverted: true })).toBe('INACTIVE');
  });

  it('falls back per row to the map’s fallback columns when a field’s own cell is empty', () => {
    const headers = ['Company Name', 'Display Name', 'Customer Number', 'Phone'];
    const map = mapFor(headers, {
      fields: { legalName: 'Company Name', uniqueRefNo: 'Customer Number' },
      fallbacks: { legalName: ['Display Name'] },
      contacts: [{ mobile: 'Phone' }],
    });
    const cells = { 'Display Name': 'Ravi Stores', 'Customer Number': 'Z-9', Phone: '9876543210' };
    const row = valid(toParsedRow(rowOf(headers, 2, cells), map, byCode));
    expect(row.customer.legalName).toBe('Ravi Stores');
    const own = valid(
      toParsedRow(rowOf(headers, 3, { ...cells, 'Company Name': 'Ravi Stores LLP' }), map, byCode),
    );
    expect(own.customer.legalName).toBe('Ravi Stores LLP');
  });

  it('passes notes on as warnings naming the column', () => {
    const row = valid(
      toParsedRow(
        tallyRow(2, {
          'Mobile No.': '98765 43210 / 91234 56780',
          'A/c No.': 50100123456789,
          'E-Mail': 'a@gmial.com',
        }),
        TALLY_MAP,
        byCode,
      ),
    );
    expect(row.warnings).toEqual([
      'A/c No. (column R, accountNumber): "50100123456789" was stored as a number in the file: if the account number began with 0, Excel dropped it; check it against the bank record',
      'Mobile No. (column F, customerKeyContacts[0].mobile): "98765 43210 / 91234 56780" holds 2 numbers; the first (9876543210) is used and the rest ignored',
      'E-Mail (column G, customerKeyContacts[0].email): "a@gmial.com" domain gmial.com may be a misspelling of gmail.com',
    ]);
  });
});

describe('toParsedRow: key contacts', () => {
  it('names the contact after the customer when there is a mobile but no contact person, with a warning', () => {
    const map = mapFor(TALLY_HEADERS, {
      fields: { legalName: 'Name', uniqueRefNo: 'Customer Code' },
      contacts: [{ mobile: 'Mobile No.' }],
    });
    const row = valid(toParsedRow(tallyRow(2), map, byCode));
    expect(row.customer.customerKeyContacts).toEqual([
      {
        name: 'Ganesh Traders Pvt Ltd',
        mobile: '9876543210',
        legalName: 'Ganesh Traders Pvt Ltd',
        deleted: false,
      },
    ]);
    expect(row.warnings).toEqual([
      'Mobile No. (column F, customerKeyContacts[0].mobile): no contact name for contact 1; the customer name is used instead',
    ]);
    const emptyCell = valid(toParsedRow(tallyRow(2, { 'Contact Person': '' }), TALLY_MAP, byCode));
    expect(emptyCell.customer.customerKeyContacts[0]?.name).toBe('Ganesh Traders Pvt Ltd');
    expect(emptyCell.warnings).toEqual([
      'Contact Person (column E, customerKeyContacts[0].name): no contact name for contact 1; the customer name is used instead',
    ]);
  });

  it('joins first and last name', () => {
    const headers = ['Name', 'Code', 'First Name', 'Last Name', 'Mobile'];
    const map = mapFor(headers, {
      fields: { legalName: 'Name', uniqueRefNo: 'Code' },
      contacts: [{ firstName: 'First Name', lastName: 'Last Name', mobile: 'Mobile' }],
    });
    const cells = {
      Name: 'Acme',
      Code: 'A1',
      'First Name': ' Priya ',
      'Last Name': 'Sharma',
      Mobile: '9876543210',
    };
    expect(
      valid(toParsedRow(rowOf(headers, 2, cells), map, byCode)).customer.customerKeyContacts[0]?.name,
    ).toBe('Priya Sharma');
  });

  it('adds numbered contacts that have a mobile, and skips (with a warning) those that do not', () => {
    const two = valid(
      toParsedRow(
        tallyRow(2, { 'Contact Person 2': 'Sunita Rao', 'Mobile No. 2': '+91 91234 56780' }),
        TALLY_MAP,
        byCode,
      ),
    );
    expect(two.customer.customerKeyContacts.map((c) => [c.name, c.mobile])).toEqual([
      ['Ravi Kumar', '9876543210'],
      ['Sunita Rao', '9123456780'],
    ]);
    const skipped = valid(toParsedRow(tallyRow(2, { 'Contact Person 2': 'Sunita Rao' }), TALLY_MAP, byCode));
    expect(skipped.customer.customerKeyContacts).toHaveLength(1);
    expect(skipped.warnings).toEqual([
      'Mobile No. 2 (column I, customerKeyContacts[1].mobile): contact 2 (Sunita Rao) skipped: no mobile number, which EnKash requires',
    ]);
  });

  it('rejects a bad mobile in a numbered contact like any other bad cell', () => {
    const parsed = toParsedRow(
      tallyRow(2, { 'Contact Person 2': 'Sunita', 'Mobile No. 2': '91234' }),
      TALLY_MAP,
      byCode,
    );
    expect(messages(parsed)).toEqual([
      'Mobile No. 2 (column I, customerKeyContacts[1].mobile): "91234" has 5 digits; a mobile number has 10',
    ]);
    expect(parsed.kind === 'invalid' && parsed.errors[0]?.field).toBe('customerKeyContacts[1].mobile');
  });

  it('requires a mobile for the primary contact', () => {
    expect(messages(toParsedRow(tallyRow(2, { 'Mobile No.': '' }), TALLY_MAP, byCode))).toEqual([
      'Mobile No. (column F, customerKeyContacts[0].mobile): is empty; EnKash needs a mobile number for the key contact of every customer',
    ]);
    expect(messages(toParsedRow(tallyRow(2, { 'Mobile No.': 'N/A' }), TALLY_MAP, byCode))).toEqual([
      'Mobile No. (column F, customerKeyContacts[0].mobile): "N/A" counts as empty; EnKash needs a mobile number for the key contact of every customer',
    ]);
    const noContacts = mapFor(TALLY_HEADERS, { fields: { legalName: 'Name', uniqueRefNo: 'Customer Code' } });
    expect(messages(toParsedRow(tallyRow(2), noContacts, byCode))).toEqual([
      'customerKeyContacts[0].mobile: no column holds a contact mobile number; EnKash needs a key contact with a mobile for every customer',
    ]);
  });
});

describe('toParsedRow: problems', () => {
  it('names the column as written, the value as read, and what is expected', () => {
    expect(
      messages(toParsedRow(tallyRow(2, { 'GSTIN/UIN': '27AAACE1234', 'PAN/IT No.': '' }), TALLY_MAP, byCode)),
    ).toEqual(['GSTIN/UIN (column C, panOrGstin): "27AAACE1234" has 11 characters; a GSTIN has 15']);
    expect(messages(toParsedRow(tallyRow(2, { 'Mobile No.': '98765' }), TALLY_MAP, byCode))).toEqual([
      'Mobile No. (column F, customerKeyContacts[0].mobile): "98765" has 5 digits; a mobile number has 10',
    ]);
    expect(messages(toParsedRow(tallyRow(2, { 'IFS Code': 'HDFC0001' }), TALLY_MAP, byCode))).toEqual([
      'IFS Code (column Q, ifsc): "HDFC0001" must be 4 letters, 0, then 6 letters or digits (e.g. HDFC0001234)',
    ]);
  });

  it('reports every problem of a row, in the order of the file’s columns', () => {
    const parsed = toParsedRow(
      tallyRow(9, {
        Name: '',
        'GSTIN/UIN': '27AAPFU0939F1ZX',
        'Mobile No.': '9.87654E+09',
        'E-Mail': 'ravi at ganesh',
        'Address 1': { error: '#N/A' },
        Pincode: '4110',
        'IFS Code': 'HDFCO001234',
        'A/c No.': 1234567890123456,
        Status: 'maybe',
      }),
      TALLY_MAP,
      byCode,
    );
    expect(parsed).toMatchObject({ kind: 'invalid', row: 9, uniqueRefNo: 'C-001', legalName: '' });
    expect(parsed.kind === 'invalid' && parsed.errorType).toBeFalsy();
    expect(messages(parsed)).toEqual([
      'Name (column B, legalName): is empty; EnKash requires a customer name',
      'GSTIN/UIN (column C, panOrGstin): "27AAPFU0939F1ZX" fails the GSTIN check (the last character is computed from the other 14): a character is mistyped',
      'Mobile No. (column F, customerKeyContacts[0].mobile): "9.87654E+09" is in scientific notation: Excel shortened this number when the file was saved as CSV and the remaining digits are lost; format the column as Text in Excel, re-enter the values and save again',
      'E-Mail (column G, customerKeyContacts[0].email): "ravi at ganesh" is not an e-mail address: it has no @',
      'Address 1 (column K, address): Excel error #N/A in this cell; fix the formula or type the value',
      'Pincode (column N, pinCode): "4110" has 4 digits; a PIN code has 6',
      'IFS Code (column Q, ifsc): "HDFCO001234" has the letter O as 5th character; an IFSC has the digit 0 there (e.g. HDFC0001234)',
      'A/c No. (column R, accountNumber): "1234567890123456" digits lost by Excel: this column holds a number with more than 15 digits, which Excel cannot store exactly; format the column as Text and re-enter the value',
      'Status (column S, status): "maybe" is not a status: write Active or Inactive',
    ]);
  });

  it('keeps every warning of an invalid row: a landline in the mobile column beside a bad GSTIN', () => {
    const cells = { 'GSTIN/UIN': '27AAACE1234', 'Mobile No.': '(022) 2345 6789' };
    expect(toParsedRow(tallyRow(2, cells), TALLY_MAP, byCode)).toMatchObject({
      kind: 'invalid',
      errors: [{ column: 'GSTIN/UIN', letter: 'C', field: 'panOrGstin', value: '27AAACE1234' }],
      warnings: [
        expect.stringMatching(
          /^Mobile No\. \(column F, customerKeyContacts\[0\]\.mobile\): "\(022\) 2345 6789" looks like a landline/,
        ),
      ],
    });
  });

  it('carries the code and name as read for the report', () => {
    const parsed = toParsedRow(
      tallyRow(4, { 'Customer Code': ' C-77 ', Name: ' Acme  Ltd ', Pincode: 'x' }),
      TALLY_MAP,
      byCode,
    );
    expect(parsed).toMatchObject({ kind: 'invalid', uniqueRefNo: 'C-77', legalName: 'Acme Ltd' });
  });

  it('refuses a placeholder legal name, showing what was written', () => {
    expect(messages(toParsedRow(tallyRow(2, { Name: 'N/A' }), TALLY_MAP, byCode))).toEqual([
      'Name (column B, legalName): "N/A" counts as empty; EnKash requires a customer name',
    ]);
  });

  it('refuses a bad company id from the settings', () => {
    expect(
      messages(toParsedRow(tallyRow(2), TALLY_MAP, { matchKey: 'uniqueRefNo', companyId: 'ACME' })),
    ).toEqual([
      'companyId: "ACME" does not match EnKash\'s companyId pattern: expected CEK followed by 7 capital letters or digits (the ENKASH_COMPANY_ID setting)',
    ]);
  });

  it('reports a valid GSTIN EnKash refuses (Ladakh) precisely', () => {
    const parsed = toParsedRow(tallyRow(2, { 'GSTIN/UIN': '38AAPFU0939F1ZS' }), TALLY_MAP, byCode);
    expect(messages(parsed)).toEqual([
      'GSTIN/UIN (column C, panOrGstin): "38AAPFU0939F1ZS" is a valid GSTIN that EnKash\'s panOrGstin pattern refuses: state code 38 (Ladakh); EnKash accepts only 01 to 37',
    ]);
  });
});

describe('toParsedRow: match key', () => {
  it('uses the customer code, else the GSTIN, else the PAN', () => {
    expect(valid(toParsedRow(tallyRow(2), TALLY_MAP, byCode)).key).toEqual({
      field: 'uniqueRefNo',
      value: 'C-001',
    });
    expect(valid(toParsedRow(tallyRow(2, { 'Customer Code': '' }), TALLY_MAP, byCode)).key).toEqual({
      field: 'panOrGstin',
      value: '27AAPFU0939F1ZV',
    });
    const panOnly = tallyRow(2, { 'Customer Code': '', 'GSTIN/UIN': '' });
    expect(valid(toParsedRow(panOnly, TALLY_MAP, byCode)).key).toEqual({
      field: 'panOrGstin',
      value: 'AAPFU0939F',
    });
  });

  it('reports a row with no usable key, counted apart as NO_MATCH_KEY', () => {
    const parsed = toParsedRow(
      tallyRow(2, { 'Customer Code': '', 'GSTIN/UIN': '', 'PAN/IT No.': '' }),
      TALLY_MAP,
      byCode,
    );
    expect(messages(parsed)).toEqual([
      'Customer Code (column A, uniqueRefNo): no match key: give a Customer Code or a GSTIN/PAN so this customer can be found again',
    ]);
    expect(parsed.kind === 'invalid' && parsed.errorType).toBe('NO_MATCH_KEY');
  });

  it('does not add "no match key" when the GSTIN that would be the key is itself wrong', () => {
    const parsed = toParsedRow(
      tallyRow(2, { 'Customer Code': '', 'GSTIN/UIN': '27AAACE1234', 'PAN/IT No.': '' }),
      TALLY_MAP,
      byCode,
    );
    expect(messages(parsed)).toEqual([
      'GSTIN/UIN (column C, panOrGstin): "27AAACE1234" has 11 characters; a GSTIN has 15',
    ]);
  });

  it('matches by GSTIN/PAN or by account number when the import says so, without falling back', () => {
    expect(valid(toParsedRow(tallyRow(2), TALLY_MAP, { matchKey: 'panOrGstin' })).key).toEqual({
      field: 'panOrGstin',
      value: '27AAPFU0939F1ZV',
    });
    expect(valid(toParsedRow(tallyRow(2), TALLY_MAP, { matchKey: 'accountNumber' })).key).toEqual({
      field: 'accountNumber',
      value: '50100123456789',
    });
    expect(
      messages(toParsedRow(tallyRow(2, { 'A/c No.': '' }), TALLY_MAP, { matchKey: 'accountNumber' })),
    ).toEqual([
      'A/c No. (column R, accountNumber): no match key: this import matches customers by bank account number; give one so this customer can be found again',
    ]);
  });
});
