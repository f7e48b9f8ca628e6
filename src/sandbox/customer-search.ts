/**
 * searchCustomer (seed 002) over plain data: filters, a stable order and a page.
 *
 * Choices where EnKash is silent (enkash-api.md "Unknown"):
 * - `customerStatus` absent means ALL, so a lookup also finds deactivated customers. Clients should send
 *   it explicitly.
 * - An empty-string filter is no filter (Spring specification builders usually skip blank values).
 * - `offset` counts rows, not pages; `limit` defaults to {@link DEFAULT_LIMIT}.
 * - `uniqueRefNo`, `accountNumber`, `contactNumber` match exactly; `panOrGstin` and `ifsc` exactly but
 *   ignoring case; `legalName` is a case-insensitive "contains".
 * - Ties are broken by `id` ascending, so paging never skips or repeats a row.
 */
import type { CustomerSearch } from '../contract/enkash-api.js';
import type { Customer } from './customer-record.js';

export const DEFAULT_LIMIT = 20;

export const ORDERABLE_FIELDS = [
  'id',
  'customerId',
  'legalName',
  'uniqueRefNo',
  'createdOn',
  'modifiedOn',
] as const;
export type OrderableField = (typeof ORDERABLE_FIELDS)[number];

export type Page = {
  limit: number;
  offset: number;
  orderBy: OrderableField;
  direction: 'ASC' | 'DESC';
};

export type SearchResult = { data: Customer[]; recordsCount: number };

export function isOrderable(field: string): field is OrderableField {
  return (ORDERABLE_FIELDS as readonly string[]).includes(field);
}

export function searchCustomers(
  candidates: Iterable<Customer>,
  filter: CustomerSearch,
  page: Page,
): SearchResult {
  const test = matcher(filter);
  const matching: Customer[] = [];
  for (const customer of candidates) if (test(customer)) matching.push(customer);
  matching.sort(comparator(page.orderBy, page.direction));
  return {
    data: matching.slice(page.offset, page.offset + page.limit),
    recordsCount: matching.length,
  };
}

type Predicate = (c: Customer) => boolean;

function matcher(filter: CustomerSearch): Predicate {
  const tests: Predicate[] = [];
  const given = (v: string | undefined): v is string => v !== undefined && v !== '';
  const exact = (field: keyof Customer, value: string | undefined) => {
    if (given(value)) tests.push((c) => c[field] === value);
  };
  const caseless = (field: 'panOrGstin' | 'ifsc', value: string | undefined) => {
    if (given(value)) tests.push((c) => c[field]?.toUpperCase() === value.toUpperCase());
  };
  exact('uniqueRefNo', filter.uniqueRefNo);
  exact('accountNumber', filter.accountNumber);
  exact('contactNumber', filter.contactNumber);
  exact('companyId', filter.companyId);
  exact('parentCompanyId', filter.parentCompanyId);
  caseless('panOrGstin', filter.panOrGstin);
  caseless('ifsc', filter.ifsc);
  if (given(filter.legalName)) {
    const needle = filter.legalName.toLowerCase();
    tests.push((c) => c.legalName.toLowerCase().includes(needle));
  }
  if (filter.customerIds && filter.customerIds.length > 0) {
    const ids = new Set(filter.customerIds);
    tests.push((c) => ids.has(c.customerId));
  }
  if (filter.customerStatus === 'ACTIVE') tests.push((c) => c.active);
  if (filter.customerStatus === 'INACTIVE') tests.push((c) => !c.active);
  return (c) => tests.every((t) => t(c));
}

function comparator(field: OrderableField, direction: 'ASC' | 'DESC'): (a: Customer, b: Customer) => number {
  const sign = direction === 'ASC' ? 1 : -1;
  return (a, b) => sign * compareValues(a[field], b[field]) || a.id - b.id;
}

/** Nulls sort last in ascending order, as in PostgreSQL. */
function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
