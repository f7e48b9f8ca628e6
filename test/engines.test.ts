/**
 * `npm ci` on the oldest Node that package.json's `engines` admits prints no EBADENGINE warning: every
 * locked package's own `engines.node` admits it too (npm checks exactly this, from the lock file).
 */
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

type Locked = { engines?: { node?: string } | string[]; optional?: boolean };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, Locked> };

describe('engines', () => {
  it('every locked package runs on the oldest Node we promise (no EBADENGINE on npm ci)', () => {
    const oldest = semver.minVersion(pkg.engines.node);
    expect(oldest?.major).toBe(20);
    const refusing = Object.entries(lock.packages)
      .map(([path, p]) => ({ path, range: Array.isArray(p.engines) ? undefined : p.engines?.node }))
      .filter(({ range }) => range !== undefined && !semver.satisfies(oldest!, range))
      .map(({ path, range }) => `${path} wants node ${range}`);
    expect(refusing).toEqual([]);
  });

  it('the Node running the tests is one we promise', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
