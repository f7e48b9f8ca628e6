/**
 * Realistic, deterministic customer rows for benchmarks: the twelve columns of a typical Tally / Zoho
 * customer master, with the quirks that cost parsing time (addresses with commas and quotes, mixed case,
 * long identifiers). Same seed, same rows.
 */
import { gstinCheckChar } from '../../src/ingest/validate/gstin.js';
import { rng } from '../../test/helpers/synthetic-customers.js';

export const CUSTOMER_HEADER = [
  'Customer Code',
  'Legal Name',
  'GSTIN',
  'PAN',
  'Mobile',
  'Email',
  'Address',
  'City',
  'State',
  'Pincode',
  'IFSC',
  'Account Number',
] as const;

const FIRST = [
  'Sharma',
  'Gupta',
  'Iyer',
  'Reddy',
  'Patel',
  'Singh',
  'Nair',
  'Das',
  'Mehta',
  'Khan',
  'Joshi',
  'Rao',
];
const KIND = ['Traders', 'Enterprises', 'Industries', 'Agencies', 'Textiles', 'Pharma', 'Logistics', 'Foods'];
const SUFFIX = ['Pvt Ltd', 'LLP', 'Ltd', '& Sons', 'and Co.', ''];
const STREETS = [
  'MG Road',
  'Station Road',
  'Nehru Nagar',
  'Gandhi Chowk',
  'Industrial Area Phase II',
  'Ring Road',
];
const CITIES: Array<[string, string, string]> = [
  ['Bengaluru', 'Karnataka', '29'],
  ['Mumbai', 'Maharashtra', '27'],
  ['Chennai', 'Tamil Nadu', '33'],
  ['Hyderabad', 'Telangana', '36'],
  ['Ahmedabad', 'Gujarat', '24'],
  ['New Delhi', 'Delhi', '07'],
  ['Kolkata', 'West Bengal', '19'],
  ['Pune', 'Maharashtra', '27'],
];
const BANKS = ['HDFC', 'ICIC', 'SBIN', 'UTIB', 'KKBK', 'PUNB'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export type CustomerRow = string[];

/** A GSTIN with its real check character: the pipeline must time valid rows, not rejections. */
function gstin(first14: string): string {
  return first14 + gstinCheckChar(first14);
}

/** Row `i` (0-based) of the benchmark customer master. Pincode is the only numeric column. */
export function customerRow(i: number): CustomerRow {
  const rnd = rng(i + 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
  const letters = (n: number) => Array.from({ length: n }, () => pick([...LETTERS])).join('');
  const [city, state, stateCode] = pick(CITIES);
  const pan = `${letters(3)}${pick(['C', 'P', 'F', 'H'])}${letters(1)}${digits(4)}${letters(1)}`;
  const name = `${pick(FIRST)} ${pick(KIND)} ${pick(SUFFIX)}`.trim();
  const quoted = rnd() < 0.05 ? ` "${pick(['Annexe', 'Tower B', 'Godown'])}"` : '';
  return [
    `CUST${String(i + 1).padStart(7, '0')}`,
    name,
    gstin(`${stateCode}${pan}${1 + Math.floor(rnd() * 9)}Z`),
    pan,
    `9${digits(9)}`,
    `accounts.${name.split(' ')[0]?.toLowerCase() ?? 'x'}${i}@example.in`,
    `${1 + Math.floor(rnd() * 400)}, ${pick(STREETS)}${quoted}, ${city}`,
    city,
    state,
    `${4 + Math.floor(rnd() * 4)}${digits(5)}`,
    `${pick(BANKS)}0${digits(6)}`,
    digits(10 + Math.floor(rnd() * 7)),
  ];
}
