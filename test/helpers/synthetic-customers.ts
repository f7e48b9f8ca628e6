/**
 * Deterministic, realistic Indian customer rows for integration tests, benchmarks and the demo file:
 * GSTINs with correct check characters and matching PANs, 10-digit mobiles, IFSC codes.
 */
import { gstinCheckChar } from '../../src/ingest/validate/gstin.js';

export { gstinCheckChar };

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A small fast PRNG (mulberry32) so every run generates the same customers. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATES: [string, string, string][] = [
  ['27', 'Maharashtra', '400001'],
  ['29', 'Karnataka', '560001'],
  ['07', 'Delhi', '110001'],
  ['33', 'Tamil Nadu', '600001'],
  ['24', 'Gujarat', '380001'],
  ['09', 'Uttar Pradesh', '226001'],
];
const NAMES = [
  'Shree',
  'Ganesh',
  'Lakshmi',
  'Bharat',
  'Sai',
  'Krishna',
  'Surya',
  'Annapurna',
  'Navkar',
  'Om',
];
const TRADES = ['Traders', 'Enterprises', 'Industries', 'Textiles', 'Agencies', 'Pharma', 'Steel', 'Foods'];
const FORMS = ['Pvt Ltd', 'LLP', '& Co', 'Private Limited', ''];
const PEOPLE = ['Ravi Kumar', 'Priya Sharma', 'Amit Patel', 'Sunita Rao', 'Vikram Singh', 'Anjali Mehta'];
const BANKS = ['HDFC', 'ICIC', 'SBIN', 'UTIB', 'KKBK'];

export type SyntheticCustomer = {
  code: string;
  legalName: string;
  gstin: string;
  pan: string;
  contact: string;
  mobile: string;
  email: string;
  address: string;
  state: string;
  pinCode: string;
  ifsc: string;
  accountNumber: string;
};

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

export function syntheticCustomer(index: number, seed = 1): SyntheticCustomer {
  const r = rng(seed * 1_000_003 + index);
  const [stateCode, state, pin] = pick(r, STATES);
  const letters = Array.from({ length: 3 }, () => pick(r, LETTERS.split(''))).join('');
  const pan = `${letters}C${pick(r, LETTERS.split(''))}${String(1000 + (index % 9000)).padStart(4, '0')}${pick(r, LETTERS.split(''))}`;
  const first14 = `${stateCode}${pan}1Z`;
  const legalName = `${pick(r, NAMES)} ${pick(r, TRADES)} ${index} ${pick(r, FORMS)}`.trim();
  return {
    code: `CUST-${String(index).padStart(6, '0')}`,
    legalName,
    gstin: first14 + gstinCheckChar(first14),
    pan,
    contact: pick(r, PEOPLE),
    mobile: `9${String(Math.floor(r() * 1e9)).padStart(9, '0')}`,
    email: `accounts${index}@example.in`,
    address: `${1 + Math.floor(r() * 200)}, MG Road`,
    state,
    pinCode: pin,
    ifsc: `${pick(r, BANKS)}0${String(Math.floor(r() * 1e6)).padStart(6, '0')}`,
    accountNumber: String(10_000_000_000 + Math.floor(r() * 8e10)),
  };
}

export const SYNTHETIC_HEADERS = [
  'Customer Code',
  'Legal Name',
  'GSTIN',
  'Contact Person',
  'Mobile',
  'Email',
  'Address',
  'State',
  'Pincode',
  'IFSC',
  'Bank Account Number',
];

export function syntheticCsvLine(c: SyntheticCustomer): string {
  return [
    c.code,
    c.legalName,
    c.gstin,
    c.contact,
    c.mobile,
    c.email,
    `"${c.address}"`,
    c.state,
    c.pinCode,
    c.ifsc,
    c.accountNumber,
  ].join(',');
}

/** A whole CSV of `count` customers (for files up to tens of thousands of rows). */
export function syntheticCsv(count: number, seed = 1, start = 1): string {
  const lines = [SYNTHETIC_HEADERS.join(',')];
  for (let i = start; i < start + count; i++) lines.push(syntheticCsvLine(syntheticCustomer(i, seed)));
  return lines.join('\r\n') + '\r\n';
}
