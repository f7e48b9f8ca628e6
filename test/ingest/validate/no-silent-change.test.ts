/**
 * The property behind every rule: for each valid row, each payload field is either the exact cell text or
 * a documented reformatting of it (whitespace, letter case, separators and prefixes of phone numbers,
 * the first of several values). Checked end to end on realistic rows of several ERPs, and on generated
 * rows in every format the rules accept.
 */
import { describe, expect, it } from 'vitest';
import type { ValidRow } from '../../../src/domain/types.js';
import { CustomerCreateSchema } from '../../../src/contract/enkash-api.js';
import type { ColumnMap, ColumnRef } from '../../../src/ingest/column-map.js';
import type { RawRow, RawValue } from '../../../src/ingest/raw-row.js';
import { cleanText } from '../../../src/ingest/validate/normalise.js';
import { toParsedRow } from '../../../src/ingest/validate/validate-row.js';
import { rng, syntheticCustomer } from '../../helpers/synthetic-customers.js';
import { TALLY_HEADERS, TALLY_MAP, mapFor, rowOf, tallyRow } from './map-helpers.js';

const cell = (raw: RawRow, ref: ColumnRef | undefined): string => {
  const v: RawValue | undefined = ref === undefined ? undefined : raw.values[ref.index];
  return v === null || v === undefined ? '' : typeof v === 'object' && !(v instanceof Date) ? '' : String(v);
};
const compact = (s: string) => s.replace(/[\s\u200b]+/g, '');
const firstOf = (s: string, sep: RegExp) => s.split(sep).find((p) => p.trim() !== '') ?? '';

/** Phone: the payload's digits are the cell's digits with at most a documented prefix removed. */
function isPhoneReformat(written: string, sent: string): boolean {
  const digits = firstOf(written, /[/,;|&\n]|\s(?:or|and)\s/i).replace(/\D/g, '');
  const sentDigits = sent.replace(/\D/g, '');
  if (sent.startsWith('+')) return digits === sentDigits;
  const prefix = digits.slice(0, digits.length - sentDigits.length);
  return digits.endsWith(sentDigits) && ['', '0', '91', '0091', '910', '00910'].includes(prefix);
}

function isEmailReformat(written: string, sent: string): boolean {
  const first = firstOf(written.trim().replace(/^mailto:/i, ''), /[;,\s]+/);
  const at = first.lastIndexOf('@');
  return sent === `${first.slice(0, at)}@${first.slice(at + 1).toLowerCase()}`;
}

function expectNoSilentChange(raw: RawRow, map: ColumnMap, row: ValidRow): void {
  const c = row.customer;
  const f = map.fields;
  expect(CustomerCreateSchema.safeParse(c).success).toBe(true);
  const nameCells = [f.legalName, ...(map.fallbacks?.legalName ?? [])].map((r) => cleanText(cell(raw, r)));
  expect(nameCells).toContain(c.legalName);
  if (c.uniqueRefNo !== undefined) expect(c.uniqueRefNo).toBe(cleanText(cell(raw, f.uniqueRefNo)));
  if (c.panOrGstin !== undefined) {
    const written = [f.gstin, f.pan, f.panOrGstin].map((r) => compact(cell(raw, r)).toUpperCase());
    expect(written).toContain(c.panOrGstin);
  }
  if (c.ifsc !== undefined) expect(c.ifsc).toBe(compact(cell(raw, f.ifsc)).toUpperCase());
  if (c.pinCode !== undefined) expect(c.pinCode).toBe(compact(cell(raw, f.pinCode)));
  if (c.accountNumber !== undefined) expect(c.accountNumber).toBe(compact(cell(raw, f.accountNumber)));
  if (c.state !== undefined) expect(c.state).toBe(cleanText(cell(raw, f.state)));
  if (c.address !== undefined) {
    const parts = map.address.map((r) => cleanText(cell(raw, r))).filter((p) => p !== '' && p !== 'NA');
    expect(c.address).toBe(parts.join(', '));
  }
  c.customerKeyContacts.forEach((contact, i) => {
    const cols = map.contacts[i];
    expect(contact.legalName).toBe(c.legalName);
    expect(contact.deleted).toBe(false);
    expect(isPhoneReformat(cell(raw, cols?.mobile), contact.mobile), contact.mobile).toBe(true);
    if (contact.email !== undefined)
      expect(isEmailReformat(cell(raw, cols?.email), contact.email)).toBe(true);
    const name = cols?.name ? cleanText(cell(raw, cols.name)) : '';
    expect([name, c.legalName]).toContain(contact.name);
  });
  if (c.contactNumber !== undefined) {
    const phone = cell(raw, f.contactNumber);
    expect(
      phone === '' ? contactMobileIs(c.contactNumber, row) : isPhoneReformat(phone, c.contactNumber),
    ).toBe(true);
  }
}

const contactMobileIs = (n: string, row: ValidRow) => row.customer.customerKeyContacts[0]?.mobile === n;

function parseValid(raw: RawRow, map: ColumnMap): ValidRow {
  const parsed = toParsedRow(raw, map, { matchKey: 'uniqueRefNo' });
  if (parsed.kind !== 'valid') throw new Error(JSON.stringify(parsed.errors));
  return parsed;
}

describe('no row is silently altered', () => {
  it('Tally export rows with numeric cells, spacing, lower case and several numbers', () => {
    const rows = [
      tallyRow(2),
      tallyRow(3, {
        'Customer Code': ' 1001 ',
        Name: 'Shree\u00a0Ganesh  Traders',
        'GSTIN/UIN': ' 29aagcb7383j1z4',
        'PAN/IT No.': 'aagcb7383j',
        'Mobile No.': '+91 98450 12345 / 080 2345 6789',
        'E-Mail': 'Accounts@Shree.CO.IN; ravi@shree.co.in',
        'Contact Person 2': 'Sunita  Rao',
        'Mobile No. 2': 919123456780,
        'Address 2': 'Near  Bus Stand',
        Pincode: '560 001',
        'IFS Code': 'icic0001234',
        'A/c No.': '0004 0100 1234',
        'Phone No.': '(080) 2345-6789',
      }),
      tallyRow(4, { 'Customer Code': 1002, 'Mobile No.': '09876543210', 'Address 1': 'NA', City: '' }),
    ];
    for (const raw of rows) expectNoSilentChange(raw, TALLY_MAP, parseValid(raw, TALLY_MAP));
  });

  it('Zoho Books rows (first/last name, fallback name column, PAN only)', () => {
    const headers = [
      'Company Name',
      'Display Name',
      'Customer Number',
      'PAN Number',
      'First Name',
      'Last Name',
      'MobilePhone',
      'EmailID',
      'Billing Address',
      'Billing City',
      'Billing Code',
      'Status',
    ];
    const map = mapFor(headers, {
      fields: {
        legalName: 'Company Name',
        uniqueRefNo: 'Customer Number',
        pan: 'PAN Number',
        pinCode: 'Billing Code',
        status: 'Status',
      },
      fallbacks: { legalName: ['Display Name'] },
      address: ['Billing Address', 'Billing City'],
      contacts: [{ firstName: 'First Name', lastName: 'Last Name', mobile: 'MobilePhone', email: 'EmailID' }],
    });
    const raw = rowOf(headers, 2, {
      'Display Name': 'Priya Sharma',
      'Customer Number': 'CUS-00017',
      'PAN Number': 'abcpd1234e',
      'First Name': 'Priya',
      'Last Name': 'Sharma',
      MobilePhone: '+91-99000-11223',
      EmailID: 'mailto:priya@example.in',
      'Billing Address': '4th Cross,  Indiranagar',
      'Billing City': 'Bengaluru',
      'Billing Code': 560038,
      Status: 'Active',
    });
    const row = parseValid(raw, map);
    expect(row.customer.legalName).toBe('Priya Sharma');
    expect(row.customer.customerKeyContacts[0]?.name).toBe('Priya Sharma');
    expectNoSilentChange(raw, map, row);
  });

  it('generated rows in every accepted format', () => {
    const random = rng(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    for (let i = 1; i <= 500; i++) {
      const s = syntheticCustomer(i, 7);
      const m = s.mobile;
      const raw = tallyRow(i + 1, {
        'Customer Code': pick([s.code, ` ${s.code} `]),
        Name: pick([
          s.legalName,
          ` ${s.legalName.replace(/ /g, '  ')} `,
          s.legalName.replace(/ /g, '\u00a0'),
        ]),
        'GSTIN/UIN': pick([s.gstin, s.gstin.toLowerCase(), '', 'N/A']),
        'PAN/IT No.': pick([s.pan, s.pan.toLowerCase(), '']),
        'Contact Person': pick([s.contact, '', `${s.contact} `]),
        'Mobile No.': pick([
          Number(m),
          m,
          `+91 ${m.slice(0, 5)} ${m.slice(5)}`,
          `0${m}`,
          `91${m}`,
          `0091-${m}`,
          `${m} / 9123456780`,
        ]),
        'E-Mail': pick([s.email, s.email.toUpperCase(), `${s.email}; other@example.in`, '']),
        'Address 1': s.address,
        Pincode: pick([Number(s.pinCode), s.pinCode, `${s.pinCode.slice(0, 3)} ${s.pinCode.slice(3)}`]),
        State: s.state,
        'IFS Code': pick([s.ifsc, s.ifsc.toLowerCase()]),
        'A/c No.': pick([s.accountNumber, Number(s.accountNumber)]),
        Status: pick(['Active', 'Inactive', 'yes', '']),
      });
      expectNoSilentChange(raw, TALLY_MAP, parseValid(raw, TALLY_MAP));
    }
  });

  it('keeps header order irrelevant: the same cells under shuffled columns give the same payload', () => {
    const reversed = [...TALLY_HEADERS].reverse();
    const map = mapFor(reversed, {
      fields: { uniqueRefNo: 'Customer Code', legalName: 'Name', gstin: 'GSTIN/UIN', pinCode: 'Pincode' },
      contacts: [{ name: 'Contact Person', mobile: 'Mobile No.', email: 'E-Mail' }],
      defaults: { source: 'TALLY', externalSource: true },
    });
    const cells = {
      'Customer Code': 'C-9',
      Name: 'Acme',
      'GSTIN/UIN': '27AAPFU0939F1ZV',
      'Contact Person': 'Ravi',
      'Mobile No.': '9876543210',
      Pincode: 411001,
    };
    const a = parseValid(rowOf(reversed, 2, cells), map);
    const straight = mapFor(TALLY_HEADERS, {
      fields: { uniqueRefNo: 'Customer Code', legalName: 'Name', gstin: 'GSTIN/UIN', pinCode: 'Pincode' },
      contacts: [{ name: 'Contact Person', mobile: 'Mobile No.', email: 'E-Mail' }],
      defaults: { source: 'TALLY', externalSource: true },
    });
    expect(parseValid(rowOf(TALLY_HEADERS, 2, cells), straight).customer).toEqual(a.customer);
  });
});
