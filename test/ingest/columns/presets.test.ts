import { describe, expect, it } from 'vitest';
import { buildColumnMap, PRESETS, presetNames } from '../../../src/ingest/columns/index.js';
import { header, summary } from './rows.js';

const fileName = 'customers.xlsx';

describe('presets', () => {
  it('lists the five ERPs', () => {
    expect(presetNames()).toEqual(['tally', 'zoho-books', 'busy', 'sap-b1', 'marg']);
    expect(PRESETS.tally?.defaults).toEqual({ source: 'TALLY', externalSource: true });
  });

  it('tally: a List of Ledgers export with mailing details', () => {
    const row = header([
      'Sl No.',
      'Name',
      'Under',
      'Mailing Name',
      'Address',
      'State',
      'Country',
      'Pincode',
      'Contact Person',
      'Phone No.',
      'Mobile No.',
      'E-Mail',
      'PAN/IT No.',
      'Registration Type',
      'GSTIN/UIN',
      'Opening Balance',
    ]);
    const map = buildColumnMap(row, { preset: 'tally', fileName });
    expect(summary(map)).toEqual({
      fields: {
        legalName: 'Mailing Name',
        gstin: 'GSTIN/UIN',
        pan: 'PAN/IT No.',
        contactNumber: 'Mobile No.',
        pinCode: 'Pincode',
        state: 'State',
      },
      fallbacks: { legalName: ['Name'] },
      address: ['Address'],
      contacts: [{ name: 'Contact Person', mobile: 'Mobile No.', email: 'E-Mail' }],
      unused: ['Sl No.', 'Under', 'Country', 'Phone No.', 'Registration Type', 'Opening Balance'],
    });
    expect(map.defaults).toEqual({ source: 'TALLY', externalSource: true });
    expect(map.origin).toBe('preset:tally');
    expect(map.statusWords).toBeUndefined();
  });

  it('tally: the Excel import layout with section prefixes and the alias as the code', () => {
    const row = header([
      'Name',
      'Group Name',
      'Alias',
      'PAN/IT No.',
      'Bank Account Details - A/c No.',
      'Bank Account Details - IFS Code',
      'Bank Account Details - Bank Name',
    ]);
    const map = buildColumnMap(row, { preset: 'tally', fileName });
    expect(summary(map)).toMatchObject({
      fields: {
        legalName: 'Name',
        uniqueRefNo: 'Alias',
        pan: 'PAN/IT No.',
        accountNumber: 'Bank Account Details - A/c No.',
        ifsc: 'Bank Account Details - IFS Code',
      },
      unused: ['Group Name', 'Bank Account Details - Bank Name'],
    });
  });

  const zohoHeaders = [
    'Created Time',
    'Last Modified Time',
    'Display Name',
    'Company Name',
    'Salutation',
    'First Name',
    'Last Name',
    'Phone',
    'Currency Code',
    'Status',
    'Billing Attention',
    'Billing Address',
    'Billing Street2',
    'Billing City',
    'Billing State',
    'Billing Country',
    'Billing Code',
    'Billing Phone',
    'Shipping Address',
    'Shipping City',
    'Shipping State',
    'Shipping Code',
    'GST Treatment',
    'GST Identification Number (GSTIN)',
    'PAN Number',
    'EmailID',
    'MobilePhone',
    'Contact ID',
    'Contact Name',
    'Contact Type',
    'Place Of Contact',
    'Place of Contact(With State Code)',
  ];
  const zohoExpected = {
    fields: {
      legalName: 'Company Name',
      uniqueRefNo: 'Contact ID',
      gstin: 'GST Identification Number (GSTIN)',
      pan: 'PAN Number',
      contactNumber: 'MobilePhone',
      pinCode: 'Billing Code',
      state: 'Billing State',
      status: 'Status',
    },
    fallbacks: {
      legalName: ['Display Name', 'Contact Name'],
      state: ['Place of Contact(With State Code)', 'Place Of Contact'],
    },
    address: ['Billing Address', 'Billing Street2', 'Billing City'],
    contacts: [{ firstName: 'First Name', lastName: 'Last Name', mobile: 'MobilePhone', email: 'EmailID' }],
    unused: [
      'Created Time',
      'Last Modified Time',
      'Salutation',
      'Phone',
      'Currency Code',
      'Billing Attention',
      'Billing Country',
      'Billing Phone',
      'Shipping Address',
      'Shipping City',
      'Shipping State',
      'Shipping Code',
      'GST Treatment',
      'Contact Type',
    ],
  };

  it('zoho-books: the Contacts export (Company Name, else Display Name; First + Last Name)', () => {
    const map = buildColumnMap(header(zohoHeaders), { preset: 'zoho-books', fileName });
    expect(summary(map)).toEqual(zohoExpected);
    expect(map.origin).toBe('preset:zoho-books');
    expect(map.statusWords?.active).toContain('Active');
    expect(map.statusInverted).toBeUndefined();
  });

  it('zoho-books: recognised without --preset from its own headers', () => {
    const map = buildColumnMap(header(zohoHeaders), { fileName });
    expect(summary(map)).toEqual(zohoExpected);
    expect(map.origin).toBe('auto:zoho-books');
  });

  it('sap-b1: the Business Partner import labels', () => {
    const row = header([
      'BP Code',
      'BP Name',
      'BP Type',
      'Foreign Name',
      'Group Code',
      'Bill-to Street',
      'Bill-to City',
      'Bill-to Zip Code',
      'Bill-to State',
      'Bill-to Country',
      'Telephone 1',
      'Mobile',
      'Telephone 2',
      'Fax Number',
      'E-Mail',
      'Contact Person',
      'Federal Tax ID',
      'GSTIN',
      'Active',
    ]);
    const map = buildColumnMap(row, { preset: 'sap-b1', fileName });
    expect(summary(map)).toEqual({
      fields: {
        legalName: 'BP Name',
        uniqueRefNo: 'BP Code',
        gstin: 'GSTIN',
        panOrGstin: 'Federal Tax ID',
        contactNumber: 'Mobile',
        pinCode: 'Bill-to Zip Code',
        state: 'Bill-to State',
        status: 'Active',
      },
      fallbacks: {},
      address: ['Bill-to Street', 'Bill-to City'],
      contacts: [{ name: 'Contact Person', mobile: 'Mobile', email: 'E-Mail' }],
      unused: [
        'BP Type',
        'Foreign Name',
        'Group Code',
        'Bill-to Country',
        'Telephone 1',
        'Telephone 2',
        'Fax Number',
      ],
    });
    expect(map.statusInverted).toBeUndefined();
    expect(map.statusWords?.active).toEqual(expect.arrayContaining(['Y', 'tYES']));
  });

  it('sap-b1: DTW field names with a Frozen column read the other way round', () => {
    const row = header([
      'CardCode',
      'CardName',
      'CardType',
      'Address',
      'ZipCode',
      'Phone1',
      'Cellular',
      'EmailAddress',
      'FederalTaxID',
      'Frozen',
    ]);
    const map = buildColumnMap(row, { fileName });
    expect(map.origin).toBe('auto:sap-b1');
    expect(summary(map)).toMatchObject({
      fields: {
        legalName: 'CardName',
        uniqueRefNo: 'CardCode',
        panOrGstin: 'FederalTaxID',
        pinCode: 'ZipCode',
        status: 'Frozen',
        contactNumber: 'Cellular',
      },
      address: ['Address'],
      contacts: [{ mobile: 'Cellular', email: 'EmailAddress' }],
      unused: ['CardType', 'Phone1'],
    });
    expect(map.statusInverted).toBe(true);
    expect(map.statusWords?.inactive).toEqual(
      expect.arrayContaining(['Y', 'Yes', 'tYES', 'Frozen', 'Inactive']),
    );
    expect(map.statusWords?.active).toEqual(expect.arrayContaining(['N', 'No', 'tNO', 'Active']));
    expect(map.statusWords?.active).not.toContain('Y');
  });

  it('busy: the account master (Print Name, else Name; alias as the code)', () => {
    const row = header([
      'Name',
      'Alias',
      'Print Name',
      'Group',
      'Address 1',
      'Address 2',
      'Address 3',
      'Address 4',
      'Station',
      'State',
      'PIN Code',
      'Tel. No.',
      'Mobile No.',
      'E-Mail',
      'Contact Person',
      'GSTIN',
      'PAN',
      'Opening Bal.',
    ]);
    const map = buildColumnMap(row, { preset: 'busy', fileName });
    expect(summary(map)).toEqual({
      fields: {
        legalName: 'Print Name',
        uniqueRefNo: 'Alias',
        gstin: 'GSTIN',
        pan: 'PAN',
        contactNumber: 'Mobile No.',
        pinCode: 'PIN Code',
        state: 'State',
      },
      fallbacks: { legalName: ['Name'] },
      address: ['Address 1', 'Address 2', 'Address 3', 'Address 4', 'Station'],
      contacts: [{ name: 'Contact Person', mobile: 'Mobile No.', email: 'E-Mail' }],
      unused: ['Group', 'Tel. No.', 'Opening Bal.'],
    });
    expect(map.defaults).toEqual({});
  });

  it('marg: the party master (code, station after the street)', () => {
    const row = header([
      'Code',
      'Party Name',
      'Station',
      'Address',
      'Pin Code',
      'Phone',
      'Mobile',
      'E-mail',
      'GST No.',
      'PAN No.',
      'Contact Person',
      'Area',
      'Opening Balance',
    ]);
    const map = buildColumnMap(row, { preset: 'marg', fileName });
    expect(summary(map)).toEqual({
      fields: {
        legalName: 'Party Name',
        uniqueRefNo: 'Code',
        gstin: 'GST No.',
        pan: 'PAN No.',
        contactNumber: 'Mobile',
        pinCode: 'Pin Code',
      },
      fallbacks: {},
      address: ['Address', 'Station'],
      contacts: [{ name: 'Contact Person', mobile: 'Mobile', email: 'E-mail' }],
      unused: ['Phone', 'Area', 'Opening Balance'],
    });
  });

  it('rejects an unknown preset, naming the known ones', () => {
    expect(() => buildColumnMap(header(['Name']), { preset: 'quickbooks', fileName })).toThrow(
      'unknown preset "quickbooks": choose one of tally, zoho-books, busy, sap-b1, marg',
    );
  });
});
