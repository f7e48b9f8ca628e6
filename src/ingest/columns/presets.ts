/**
 * ERP presets (`--preset NAME`): what each ERP calls its customer-master columns, declared as data.
 * A preset's synonyms come ahead of the generic table, so its names win when several columns match;
 * `exclude` removes generic names that mean something else in that ERP; `ignore` lists columns that must
 * feed nothing even though a generic name matches them. Where each name comes from: docs/mapping-file.md.
 */
import type { ColumnMap } from '../column-map.js';
import type { SynonymTable } from './targets.js';

export type Preset = {
  name: string;
  label: string;
  synonyms: SynonymTable;
  exclude?: SynonymTable;
  /** Headers a generic name would misread in this ERP: never matched, still listed as unused. */
  ignore?: readonly string[];
  defaults: ColumnMap['defaults'];
  /** Words naming a state in this ERP's status column, beyond the generic ones (never swapped). */
  statusWords?: { active: readonly string[]; inactive: readonly string[] };
  /** Sets of headers that identify the ERP's own export: any one set, all present, picks the preset in auto mode. */
  signatures?: readonly (readonly string[])[];
};

const numbered = (stem: string, upTo: number) => Array.from({ length: upTo }, (_, i) => `${stem} ${i + 1}`);

const tally: Preset = {
  name: 'tally',
  label: 'Tally Prime / Tally.ERP 9',
  synonyms: {
    // The mailing name is what Tally prints on invoices; the ledger name often carries a branch or a suffix.
    legalName: [
      'Mailing Name',
      'Name',
      'Name of Ledger',
      'Ledger Name',
      'Ledger',
      'Particulars',
      'Party Name',
    ],
    // Tally ledgers have no code: companies that need one keep it in the alias.
    uniqueRefNo: ['Alias', 'Ledger Alias', 'Ledger Code', 'Code'],
    gstin: ['GSTIN/UIN', 'GSTIN', 'GST Registration Details - GSTIN/UIN'],
    pan: ['PAN/IT No.', 'Income Tax Number', 'IncomeTaxNumber'],
    state: ['State', 'State Name', 'LedStateName', 'Mailing State'],
    pinCode: ['Pincode', 'PIN Code'],
    accountNumber: ['A/c No.', "A/c Holder's A/c No."],
    ifsc: ['IFS Code', 'IFSC Code'],
    address: ['Address', ...numbered('Address', 5), 'Mailing Address'],
    'contact.name': ['Contact Person', 'LedgerContact'],
    'contact.mobile': ['Mobile No.', 'Mobile', 'LedgerMobile', 'Phone No.', 'LedgerPhone'],
    'contact.email': ['E-Mail', 'EMail'],
  },
  defaults: { source: 'TALLY', externalSource: true },
};

const zohoBooks: Preset = {
  name: 'zoho-books',
  label: 'Zoho Books (Contacts export)',
  synonyms: {
    // Company Name is the registered name but is blank for individuals; Display Name is always set and
    // unique in Zoho. "Contact Name" in this export is the display name again, not a person.
    legalName: ['Company Name', 'Display Name', 'Contact Name'],
    uniqueRefNo: ['Customer Number', 'Contact ID'],
    gstin: ['GST Identification Number (GSTIN)'],
    pan: ['PAN Number'],
    state: ['Billing State', 'Place of Contact(With State Code)', 'Place Of Contact'],
    pinCode: ['Billing Code'],
    address: ['Billing Address', 'Billing Street2'],
    city: ['Billing City'],
    status: ['Status'],
    'contact.firstName': ['First Name'],
    'contact.lastName': ['Last Name'],
    'contact.mobile': ['MobilePhone', 'Mobile Phone', 'Phone', 'Billing Phone'],
    'contact.email': ['EmailID'],
  },
  exclude: {
    // Both would hide First Name + Last Name, which hold the primary contact person.
    'contact.name': ['Contact Name', 'Attention'],
  },
  defaults: {},
  statusWords: { active: ['Active'], inactive: ['Inactive'] },
  signatures: [
    ['Display Name', 'GST Treatment'],
    ['Display Name', 'Contact ID'],
  ],
};

const busy: Preset = {
  name: 'busy',
  label: 'BUSY Accounting',
  synonyms: {
    // BUSY's "Print Name" is the name on invoices, like Tally's mailing name.
    legalName: ['Print Name', 'Name', 'Account Name', 'Party Name'],
    uniqueRefNo: ['Alias', 'Code'],
    gstin: ['GSTIN', 'GSTIN No.', 'GST No.'],
    pan: ['PAN', 'IT PAN', 'PAN No.'],
    state: ['State'],
    pinCode: ['PIN Code', 'Pincode'],
    accountNumber: ['Bank A/c No.', 'A/c No.'],
    ifsc: ['IFSC Code', 'IFSC'],
    address: ['Address', ...numbered('Address', 4)],
    city: ['Station', 'City'],
    'contact.name': ['Contact Person'],
    'contact.mobile': ['Mobile No.', 'Mobile', 'Tel. No.', 'Phone'],
    'contact.email': ['E-Mail', 'Email'],
  },
  defaults: {},
};

const sapB1: Preset = {
  name: 'sap-b1',
  label: 'SAP Business One (Business Partner master)',
  synonyms: {
    legalName: ['BP Name', 'CardName', 'Business Partner Name', 'Name'],
    uniqueRefNo: ['BP Code', 'CardCode', 'Business Partner Code', 'Code'],
    // India localisation: GSTIN sits on the address; the Federal Tax ID holds the PAN or the GSTIN.
    gstin: ['GSTIN', 'GST No'],
    pan: ['P.A.N. No.', 'PAN No.', 'PAN'],
    panOrGstin: ['Federal Tax ID', 'FederalTaxID', 'LicTradNum', 'Unified Federal Tax ID'],
    state: ['Bill-to State', 'State', 'State1'],
    pinCode: ['Bill-to Zip Code', 'Zip Code', 'ZipCode'],
    address: ['Bill-to Street', 'Bill-to Block', 'Bill-to Building', 'Address', 'Block'],
    city: ['Bill-to City', 'City'],
    status: ['Active', 'Valid', 'validFor'],
    inactiveFlag: ['Inactive', 'Frozen', 'frozenFor'],
    'contact.name': ['Contact Person', 'ContactPerson', 'CntctPrsn'],
    'contact.mobile': ['Mobile Phone', 'Mobile', 'Cellular', 'Telephone 1', 'Tel 1', 'Phone 1', 'Phone1'],
    'contact.email': ['E-Mail', 'EmailAddress', 'E_Mail'],
  },
  exclude: { 'contact.name': ['Contact Name'] },
  // A second telephone of the same partner, not a second contact.
  ignore: ['Telephone 2', 'Tel 2', 'Phone 2', 'Phone2'],
  defaults: {},
  // "Y"/"N" and DTW's "tYES"/"tNO" are generic yes/no words; for a Frozen column they swap meaning.
  signatures: [
    ['CardCode', 'CardName'],
    ['BP Code', 'BP Name'],
  ],
};

const marg: Preset = {
  name: 'marg',
  label: 'Marg ERP 9+',
  synonyms: {
    legalName: ['Party Name', 'Ledger Name', 'Name', 'Mail To'],
    uniqueRefNo: ['Code', 'Party Code', 'Ledger Code', 'Alias'],
    gstin: ['GST No.', 'GSTIN', 'GSTIN No.', 'GST Number'],
    pan: ['PAN No.', 'PAN'],
    state: ['State'],
    pinCode: ['Pin Code', 'Pincode', 'Pin'],
    address: ['Address', ...numbered('Address', 3)],
    city: ['Station', 'City'],
    'contact.name': ['Contact Person'],
    'contact.mobile': ['Mobile', 'Mobile No.', 'Phone', 'Phone No.'],
    'contact.email': ['E-mail', 'Email'],
  },
  defaults: {},
};

export const PRESETS: Readonly<Record<string, Preset>> = {
  tally,
  'zoho-books': zohoBooks,
  busy,
  'sap-b1': sapB1,
  marg,
};

export function presetNames(): string[] {
  return Object.keys(PRESETS);
}
