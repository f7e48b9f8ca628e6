/**
 * `customer-sync revert IMPORT_ID [--dry-run]`: real CLI processes, real Redis, the sandbox over HTTP.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCliSession } from './helpers/cli-session.js';
import { writeCalls } from './helpers/engine.js';
import { call, getToken } from './sandbox/helpers.js';

const session = useCliSession({
  name: 'cs-revert-',
  env: (sandbox) => ({ ENKASH_BASE_URL: sandbox.url }),
  timeoutMs: 120_000,
});
const { cli } = session;
const HEADER = 'Customer Code,Legal Name,Contact Person,Mobile,Address,Status';

beforeAll(async () => {
  await writeFile(
    join(session.dir, 'first.csv'),
    `${HEADER}\r\nC-1,Narmada Traders,Ravi Kumar,9876522001,1 Hill Road,Active\r\n`,
  );
  await writeFile(
    join(session.dir, 'second.csv'),
    `${HEADER}\r\nC-1,Narmada Traders LLP,Ravi Kumar,9876522001,1 Hill Road,Active\r\n` +
      `C-2,Godavari Foods,Amit Patel,9876522002,2 Hill Road,Active\r\n`,
  );
});

const importIdOf = (stdout: string) => /^report: .*\/(imp-[^/\s]+)$/m.exec(stdout)?.[1] ?? '';
const byRef = (ref: string) => session.sandbox.customers().find((c) => c.uniqueRefNo === ref);

describe('customer-sync revert', () => {
  it('--dry-run writes nothing; the revert puts the fields back and deactivates what it created', async () => {
    expect((await cli(['sync', join(session.dir, 'first.csv')])).code).toBe(0);
    const second = await cli(['sync', join(session.dir, 'second.csv')]);
    expect(second.code, second.stderr).toBe(0);
    const id = importIdOf(second.stdout);
    expect(byRef('C-1')?.legalName).toBe('Narmada Traders LLP');

    const writes = writeCalls(session.sandbox);
    const dry = await cli(['revert', id, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would-update 1/);
    expect(dry.stdout).toMatch(/would-deactivate 1/);
    expect(writeCalls(session.sandbox)).toBe(writes);

    const undo = await cli(['revert', id]);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stderr).toContain(`revert of ${id}, 2 row(s) it wrote`);
    expect(undo.stdout).toMatch(/updated 1/);
    expect(byRef('C-1')?.legalName).toBe('Narmada Traders');
    expect(byRef('C-2')?.active).toBe(false);
  });

  it('a row changed since is conflict: exit 1, the customer left as it is', async () => {
    const again = await cli(['sync', join(session.dir, 'second.csv')]);
    expect(again.code, again.stderr).toBe(0);
    const c1 = byRef('C-1');
    // An edit in EnKash after the import: the sandbox's own API, as EnKash's screens would.
    const token = await getToken(session.sandbox);
    const patched = await call(session.sandbox, 'PATCH', `/api/v0/customer/${c1?.customerId ?? ''}`, {
      token,
      body: { legalName: 'Narmada Traders (edited)' },
    });
    expect(patched.status).toBe(200);
    const edited = byRef('C-1');
    const undo = await cli(['revert', importIdOf(again.stdout)]);
    expect(undo.code, undo.stdout).toBe(1);
    expect(undo.stdout).toMatch(/conflict 1/);
    expect(byRef('C-1')).toEqual(edited);
  });

  it('an unknown import is one line, exit 2', async () => {
    const r = await cli(['revert', 'imp-nope']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^customer-sync: no import imp-nope in Redis/);
  });
});
