/**
 * One row job at a time per EnKash customer (match key), across imports, workers and hosts. The owner is
 * the row job's id, so a re-run of the same job (after a crash) takes its own lock back at once instead
 * of waiting for it to expire.
 */
import type { Redis } from 'ioredis';

const ACQUIRE = `
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class KeyLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = 120_000,
  ) {}

  private key(keyHash: string) {
    return `${this.prefix}:lock:${keyHash}`;
  }

  async acquire(keyHash: string, owner: string): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key(keyHash), owner, this.ttlMs)) === 1;
  }

  async release(keyHash: string, owner: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(keyHash), owner);
  }
}
