import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors.js';
import {
  call,
  createCustomer,
  getToken,
  searchOf,
  startTestSandbox,
  waitFor,
  withTempDir,
} from './helpers.js';

const readState = async (file: string) =>
  JSON.parse(await readFile(file, 'utf8')) as {
    nextId: number;
    customers: { customerId: string; id: number }[];
  };

describe('sandbox state file', () => {
  it('keeps customers across a restart', () =>
    withTempDir(async (dir) => {
      const stateFile = join(dir, 'nested', 'sandbox-state.json');
      const first = await startTestSandbox({ stateFile });
      const token = await getToken(first);
      const created = await createCustomer(first, token, { uniqueRefNo: 'KEEP-1' });
      await call(first, 'PUT', `/api/v0/customer/deactivate/${created.customerId}`, { token });
      await first.close();

      const second = await startTestSandbox({ stateFile });
      try {
        expect(second.customers()).toEqual([
          expect.objectContaining({ customerId: created.customerId, active: false }),
        ]);
        const token2 = await getToken(second);
        const found = searchOf(
          await call(second, 'POST', '/api/v0/customer/search', {
            token: token2,
            body: { uniqueRefNo: 'KEEP-1' },
          }),
        );
        expect(found.data[0]?.customerId).toBe(created.customerId);
        // Ids continue where they stopped.
        const next = await createCustomer(second, token2, { uniqueRefNo: 'KEEP-2' });
        expect(next.id).toBeGreaterThan(created.id ?? Infinity);
      } finally {
        await second.close();
      }
    }));

  it('writes changes soon after they happen, not only on close', () =>
    withTempDir(async (dir) => {
      const stateFile = join(dir, 'state.json');
      const sandbox = await startTestSandbox({ stateFile, writeDebounceMs: 20 });
      try {
        const token = await getToken(sandbox);
        const created = await createCustomer(sandbox, token);
        await waitFor(async () => {
          try {
            const state = await readState(stateFile);
            return state.customers.some((c) => c.customerId === created.customerId) ? true : undefined;
          } catch {
            return undefined;
          }
        });
      } finally {
        await sandbox.close();
      }
      // Only the state file is left: temporary files were renamed into place.
      expect(await readdir(dir)).toEqual(['state.json']);
    }));

  it('coalesces a burst of creates and loses none of them', () =>
    withTempDir(async (dir) => {
      const stateFile = join(dir, 'state.json');
      const sandbox = await startTestSandbox({ stateFile });
      const token = await getToken(sandbox);
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => createCustomer(sandbox, token, { uniqueRefNo: `BURST-${i}` })),
      );
      await sandbox.close();
      const state = await readState(stateFile);
      expect(state.customers).toHaveLength(50);
      expect(state.nextId).toBe(51);
    }));

  it('refuses to start on a state file that is not JSON, with a UserError', () =>
    withTempDir(async (dir) => {
      const stateFile = join(dir, 'state.json');
      await writeFile(stateFile, '{ not json');
      await expect(startTestSandbox({ stateFile })).rejects.toThrow(UserError);
      await writeFile(stateFile, JSON.stringify({ hello: 'world' }));
      await expect(startTestSandbox({ stateFile })).rejects.toThrow(/not a sandbox state file/);
    }));

  it('forgets everything on reset, also in the file', () =>
    withTempDir(async (dir) => {
      const stateFile = join(dir, 'state.json');
      const sandbox = await startTestSandbox({ stateFile });
      await createCustomer(sandbox, await getToken(sandbox));
      sandbox.reset();
      await sandbox.close();
      expect((await readState(stateFile)).customers).toEqual([]);
    }));
});

describe('sandbox state file location', () => {
  it('creates the state file at start, and refuses an unwritable one with a UserError', () =>
    withTempDir(async (dir) => {
      const stateFile = join(dir, 'fresh.json');
      const sandbox = await startTestSandbox({ stateFile });
      expect(await readState(stateFile)).toMatchObject({ customers: [] });
      await sandbox.close();
      await writeFile(join(dir, 'a-file'), '');
      await expect(startTestSandbox({ stateFile: join(dir, 'a-file', 'state.json') })).rejects.toThrow(
        UserError,
      );
    }));
});
