/** Column maps and rows for validation tests, written the way a header matcher would produce them. */
import type { ColumnMap, ColumnRef, ContactColumns, CustomerField } from '../../../src/ingest/column-map.js';
import type { RawRow, RawValue } from '../../../src/ingest/raw-row.js';

export type MapSpec = {
  fields?: Partial<Record<CustomerField, string>>;
  fallbacks?: Partial<Record<CustomerField, string[]>>;
  address?: string[];
  contacts?: Array<Partial<Record<keyof ContactColumns, string>>>;
  defaults?: ColumnMap['defaults'];
  statusWords?: ColumnMap['statusWords'];
  statusInverted?: boolean;
};

export function mapFor(headers: string[], spec: MapSpec): ColumnMap {
  const ref = (header: string): ColumnRef => {
    const index = headers.indexOf(header);
    if (index < 0) throw new Error(`no header ${header}`);
    return { index, header };
  };
  const fields: ColumnMap['fields'] = {};
  for (const [field, header] of Object.entries(spec.fields ?? {}))
    fields[field as CustomerField] = ref(header);
  const fallbacks: NonNullable<ColumnMap['fallbacks']> = {};
  for (const [field, list] of Object.entries(spec.fallbacks ?? {})) {
    fallbacks[field as CustomerField] = list.map(ref);
  }
  const contacts = (spec.contacts ?? []).map((c) => {
    const group: ContactColumns = {};
    for (const [part, header] of Object.entries(c)) group[part as keyof ContactColumns] = ref(header);
    return group;
  });
  const map: ColumnMap = {
    headerRow: 1,
    headers,
    fields,
    fallbacks,
    address: (spec.address ?? []).map(ref),
    contacts,
    unused: [],
    defaults: spec.defaults ?? {},
    origin: 'test',
  };
  if (spec.statusWords) map.statusWords = spec.statusWords;
  if (spec.statusInverted) map.statusInverted = true;
  return map;
}

/** A row from header → cell pairs; headers not given are empty. */
export function rowOf(headers: string[], row: number, cells: Record<string, RawValue>): RawRow {
  return { row, values: headers.map((h) => cells[h] ?? null) };
}

/** A Tally-like export: what most of the tests read. */
export const TALLY_HEADERS = [
  'Customer Code',
  'Name',
  'GSTIN/UIN',
  'PAN/IT No.',
  'Contact Person',
  'Mobile No.',
  'E-Mail',
  'Contact Person 2',
  'Mobile No. 2',
  'E-Mail 2',
  'Address 1',
  'Address 2',
  'City',
  'Pincode',
  'State',
  'Phone No.',
  'IFS Code',
  'A/c No.',
  'Status',
];

export const TALLY_MAP = mapFor(TALLY_HEADERS, {
  fields: {
    uniqueRefNo: 'Customer Code',
    legalName: 'Name',
    gstin: 'GSTIN/UIN',
    pan: 'PAN/IT No.',
    pinCode: 'Pincode',
    state: 'State',
    contactNumber: 'Phone No.',
    ifsc: 'IFS Code',
    accountNumber: 'A/c No.',
    status: 'Status',
  },
  address: ['Address 1', 'Address 2', 'City'],
  contacts: [
    { name: 'Contact Person', mobile: 'Mobile No.', email: 'E-Mail' },
    { name: 'Contact Person 2', mobile: 'Mobile No. 2', email: 'E-Mail 2' },
  ],
  defaults: { source: 'TALLY', externalSource: true },
});

/** A complete, valid Tally row; tests override single cells. */
export const GOOD_CELLS: Record<string, RawValue> = {
  'Customer Code': 'C-001',
  Name: 'Ganesh Traders Pvt Ltd',
  'GSTIN/UIN': '27AAPFU0939F1ZV',
  'PAN/IT No.': 'AAPFU0939F',
  'Contact Person': 'Ravi Kumar',
  'Mobile No.': 9876543210,
  'E-Mail': 'ravi@ganesh.example.in',
  'Address 1': '12, MG Road',
  City: 'Pune',
  Pincode: 411001,
  State: 'Maharashtra',
  'IFS Code': 'HDFC0001234',
  'A/c No.': '50100123456789',
  Status: 'Active',
};

export function tallyRow(row: number, overrides: Record<string, RawValue> = {}): RawRow {
  return rowOf(TALLY_HEADERS, row, { ...GOOD_CELLS, ...overrides });
}
