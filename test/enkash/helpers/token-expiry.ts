/**
 * Token expiry under concurrency across two processes: this process and a child client share one Redis
 * prefix, fire `perProcess` calls each at once, and the sandbox counts token requests. Used by
 * must-hold.test.ts and by reliability scenario 8, which asserts and records the figures.
 */
import { startChildClient } from './child-process.js';
import { sandboxFor } from './sandbox.js';
import type { useEnkashTestbed } from './setup.js';

type Testbed = ReturnType<typeof useEnkashTestbed>;

export type TokenExpiryRun = {
  /** Token requests for the first burst (no token yet). */
  coldStart: number;
  /** Token requests the sandbox received for each expiry, in order. */
  perExpiry: number[];
  /** Calls made in all (both processes), and how many failed. */
  calls: number;
  failed: number;
  /** The sandbox's answers to the searches, by status (401s: calls that met the expired token). */
  searchAnswers: Record<string, number>;
};

export async function runTokenExpiry(
  bed: Testbed,
  options: { expiries: number; perProcess?: number },
): Promise<TokenExpiryRun> {
  const perProcess = options.perProcess ?? 16;
  const sandbox = await sandboxFor(bed);
  const prefix = bed.prefix();
  const config = { ratePerSec: 1000 };
  const other = await startChildClient({ baseUrl: sandbox.url, prefix, config });
  bed.defer(() => other.close());
  const client = bed.client(sandbox.url, { prefix, config });
  let failed = 0;
  const burst = async () => {
    const [mine, theirs] = await Promise.all([
      Promise.allSettled(
        Array.from({ length: perProcess }, () =>
          client.searchCustomers({ customerStatus: 'ALL' }, { limit: 1, offset: 0 }),
        ),
      ),
      other.run({ op: 'search', count: perProcess }),
    ]);
    failed += mine.filter((o) => o.status === 'rejected').length + (perProcess - theirs.ok);
  };

  await burst();
  const coldStart = sandbox.stats().tokenRequests;
  const perExpiry: number[] = [];
  for (let expiry = 0; expiry < options.expiries; expiry += 1) {
    const before = sandbox.stats().tokenRequests;
    sandbox.expireTokens();
    await burst();
    perExpiry.push(sandbox.stats().tokenRequests - before);
  }
  return {
    coldStart,
    perExpiry,
    calls: (options.expiries + 1) * perProcess * 2,
    failed,
    searchAnswers: sandbox.stats().requests.search ?? {},
  };
}
