/**
 * The account's customers read in pages of up to 5000 and indexed by match key, so that a big import or
 * a nightly re-sync matches rows locally instead of searching EnKash once per row.
 */
import { SEARCH_PAGE_MAX, type CustomerResponse } from '../contract/enkash-api.js';
import { LinkedSignal } from '../enkash/linked-signal.js';
import type { EnkashClient } from '../enkash/client.js';
import { withRetries, type RetryPolicy } from './with-retries.js';
import { matchKeyString, type MatchKey, type MatchKeyField } from '../domain/types.js';

export type Snapshot = {
  size: number;
  /** The customer, null when the account has none with this key, undefined when two share it. */
  get(key: MatchKey): CustomerResponse | null | undefined;
};

/** How many customers the account holds (one search call). */
export async function countCustomers(
  client: EnkashClient,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<number> {
  const page = await withRetries(
    () => client.searchCustomers({ customerStatus: 'ALL' }, { limit: 1, offset: 0 }, { signal }),
    policy,
    { signal },
  );
  return page.recordsCount;
}

/** Search pages a snapshot of `count` customers costs. */
export function snapshotPages(count: number): number {
  return Math.max(1, Math.ceil(count / SEARCH_PAGE_MAX));
}

/** Only the fields the sync compares: a 100,000-customer account stays in tens of megabytes. */
function compact(c: CustomerResponse): CustomerResponse {
  return {
    customerId: c.customerId,
    legalName: c.legalName,
    uniqueRefNo: c.uniqueRefNo,
    panOrGstin: c.panOrGstin,
    contactNumber: c.contactNumber,
    accountNumber: c.accountNumber,
    ifsc: c.ifsc,
    pinCode: c.pinCode,
    address: c.address,
    state: c.state,
    active: c.active,
    customerKeyContacts: (c.customerKeyContacts ?? []).map((k) => ({
      keyContactPersonId: k.keyContactPersonId,
      name: k.name,
      mobile: k.mobile,
      email: k.email,
      deleted: k.deleted,
    })),
  };
}

function keysOf(c: CustomerResponse, matchKey: MatchKeyField): string[] {
  const keys: string[] = [];
  const add = (field: MatchKeyField, value: string | null | undefined, upper = false) => {
    if (value) keys.push(matchKeyString({ field, value: upper ? value.toUpperCase() : value }));
  };
  if (matchKey === 'accountNumber') add('accountNumber', c.accountNumber);
  else {
    if (matchKey === 'uniqueRefNo') add('uniqueRefNo', c.uniqueRefNo);
    // Rows without a uniqueRefNo fall back to PAN/GSTIN (src/domain/types.ts "match key").
    add('panOrGstin', c.panOrGstin, true);
  }
  return keys;
}

/** Account pages asked for while the one before is read. */
const PAGES_AHEAD = 3;

export async function loadSnapshot(
  client: EnkashClient,
  matchKey: MatchKeyField,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<{ snapshot: Snapshot; calls: number }> {
  const index = new Map<string, CustomerResponse | 'ambiguous'>();
  let calls = 0;
  const fetchPage = async (offset: number) => {
    calls += 1;
    // Its own signal, following the import's: pages asked for together must not pile their waits'
    // listeners onto the one signal (Node warns of a leak past ten).
    const link = new LinkedSignal([signal]);
    try {
      return await withRetries(
        () =>
          client.searchCustomers(
            { customerStatus: 'ALL' },
            { limit: SEARCH_PAGE_MAX, offset, orderBy: 'id', direction: 'ASC' },
            { signal: link.signal },
          ),
        policy,
        { signal: link.signal },
      );
    } finally {
      link.dispose();
    }
  };
  const add = (page: { data: CustomerResponse[] }) => {
    for (const customer of page.data) {
      const c = compact(customer);
      for (const key of keysOf(c, matchKey)) index.set(key, index.has(key) ? 'ambiguous' : c);
    }
  };
  // The first page says how many there are; the rest are asked for PAGES_AHEAD at a time (EnKash
  // serialises one page while this process reads the one before) and read in order.
  let offset = 0;
  let page = await fetchPage(offset);
  add(page);
  const ahead: Array<{ offset: number; page: ReturnType<typeof fetchPage> }> = [];
  let planned = SEARCH_PAGE_MAX;
  const launch = (total: number) => {
    while (ahead.length < PAGES_AHEAD && planned < total) {
      const request = { offset: planned, page: fetchPage(planned) };
      request.page.catch(() => undefined); // awaited in order below; a later one's failure is not lost
      ahead.push(request);
      planned += SEARCH_PAGE_MAX;
    }
  };
  try {
    while (page.data.length >= SEARCH_PAGE_MAX && offset + SEARCH_PAGE_MAX < page.recordsCount) {
      // All asked for ahead have been read, or the next one is among them: `planned` is past `offset`,
      // and below the count read last, so this asks for at least the next page.
      launch(page.recordsCount);
      const next = ahead.shift()!;
      offset = next.offset;
      page = await next.page;
      add(page);
    }
  } finally {
    // Pages asked for ahead and not read (a failure, a short page): settled, not left to run unseen.
    await Promise.allSettled(ahead.map((a) => a.page));
  }
  return {
    calls,
    snapshot: {
      size: index.size,
      get(key) {
        const found = index.get(matchKeyString(key));
        // Two customers share the key: leave it to the row job's live search, which reports it.
        if (found === 'ambiguous') return undefined;
        return found ?? null;
      },
    },
  };
}
