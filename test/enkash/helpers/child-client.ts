/**
 * A second worker process for the multi-process tests: its own EnkashClient (own pool, own Redis
 * connection, own in-process token promise) on the same Redis prefix and EnKash URL as the test.
 *
 * argv[2]: JSON `{ baseUrl, prefix, config? }`. Reads JSON commands from stdin, one per line:
 * `{ "id": 1, "op": "search" | "activate", "count": 16, "customerId"?: "KC…" }`, runs `count` calls at once
 * and prints `{ "id": 1, "ok": n, "errors": { "<kind>/<errorType>": n } }`. Prints `{ "ready": true }`
 * first; exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { EnkashClient } from '../../../src/enkash/client.js';
import { isEnkashError } from '../../../src/enkash/errors.js';
import { createLogger } from '../../../src/logger.js';
import { TEST_REDIS_URL } from '../../helpers/redis.js';
import { enkashConfig } from './config.js';

type Command = { id: number; op: 'search' | 'activate'; count: number; customerId?: string };

const args = JSON.parse(process.argv[2] ?? '{}') as { baseUrl: string; prefix: string; config?: object };
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
const client = new EnkashClient({
  config: enkashConfig(args.baseUrl, args.config),
  redis,
  prefix: args.prefix,
  logger: createLogger({ level: 'silent', pretty: false }),
});

async function run(command: Command) {
  const call = () =>
    command.op === 'search'
      ? client.searchCustomers({ customerStatus: 'ALL' }, { limit: 1, offset: 0 })
      : client.activateCustomer(command.customerId ?? '');
  const outcomes = await Promise.allSettled(Array.from({ length: command.count }, call));
  const errors: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') continue;
    const err: unknown = outcome.reason;
    const key = isEnkashError(err) ? `${err.kind}/${err.errorType}` : String(err);
    errors[key] = (errors[key] ?? 0) + 1;
  }
  const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
  process.stdout.write(`${JSON.stringify({ id: command.id, ok, errors })}\n`);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => void run(JSON.parse(line) as Command));
lines.on('close', () => {
  void client
    .close()
    .then(() => redis.quit())
    .then(() => process.exit(0));
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
