import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { maskText } from '../../src/domain/mask.js';
import { ImportStore } from '../../src/queue/import-store.js';
import { Sealer } from '../../src/queue/sealer.js';
import { deletePrefix, randomPrefix, testRedis } from '../helpers/redis.js';

const redis = testRedis();
const prefix = randomPrefix();
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('free text about a file', () => {
  it('is masked where it quotes personal data, and import ids stay readable', () => {
    const text =
      'import imp-20261206-014523-k3j9x2 failed: Headers in row 1: "C1", "Ramesh Kumar", "9845012345", ' +
      '"ramesh@private.in", "27AAACE1234F1Z5", "ABCDE1234F", "50100123456789"';
    const masked = maskText(text);
    for (const value of [
      '9845012345',
      'ramesh@private.in',
      '27AAACE1234F1Z5',
      'ABCDE1234F',
      '50100123456789',
    ])
      expect(masked).not.toContain(value);
    expect(masked).toContain('imp-20261206-014523-k3j9x2');
    expect(masked).toContain('******2345');
  });

  it('is sealed in Redis (error, warnings, headers) and read back in clear', async () => {
    const store = new ImportStore(redis, prefix, new Sealer(randomBytes(32)), 3600);
    const id = 'imp-20261206-000000-seal01';
    await store.create({
      id,
      kind: 'sync',
      origin: 'api',
      fileName: 'x.csv',
      filePath: '/tmp/x.csv',
      options: { mode: 'upsert', dryRun: false, matchKey: 'uniqueRefNo', reportDir: '/tmp/r' },
    });
    await store.set(id, {
      headers: JSON.stringify(['Ramesh Kumar', '9845012345']),
      warnings: JSON.stringify(['columns not used: "ramesh@private.in"']),
    });
    await store.setState(id, 'failed', { error: 'Headers in row 1: "Ramesh Kumar"' });
    const raw = JSON.stringify(await redis.hgetall(`${prefix}:import:${id}`));
    for (const value of ['Ramesh', '9845012345', 'ramesh@private.in']) expect(raw).not.toContain(value);
    const meta = await store.get(id);
    expect(meta?.headers).toEqual(['Ramesh Kumar', '9845012345']);
    expect(meta?.warnings).toEqual(['columns not used: "ramesh@private.in"']);
    expect(meta?.error).toBe('Headers in row 1: "Ramesh Kumar"');
    expect(meta?.state).toBe('failed');
  });
});
