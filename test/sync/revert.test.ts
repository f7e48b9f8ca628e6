/**
 * Undo an import, against the sandbox over HTTP with real Redis and BullMQ: an update import reverted
 * gives the before-values (fields, key contacts, status); a create import reverted deactivates; a field
 * changed since is a `conflict` with both values and nothing is written for its row; a dry run writes
 * nothing; reverting again changes nothing; reverting the revert redoes the import.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerResponse } from '../../src/contract/enkash-api.js';
import type { ImportMeta } from '../../src/queue/import-store.js';
import type { RowResult } from '../../src/domain/types.js';
import { startHarness, writeCalls, type Harness } from '../helpers/engine.js';

let h: Harness;
const HEADER = 'Customer Code,Legal Name,Contact Person,Mobile,Address,Status';
const FIRST = [
  'R-1,Alpha Traders,Ravi Kumar,9876500001,1 MG Road,Active',
  'R-2,Beta Foods,Priya Sharma,9876500002,2 MG Road,Active',
  'R-3,Gamma Steel,Amit Patel,9876500003,3 MG Road,Active',
];
const SECOND = [
  'R-1,Alpha Traders Pvt Ltd,Ravi Kumar,9876500001,10 Park Street,Active',
  'R-2,Beta Foods,Priya Sharma,9876500002,2 MG Road,Inactive',
  'R-3,Gamma Steel,Sunita Rao,9876500033,3 MG Road,Active',
  'R-4,Delta Pharma,Vikram Singh,9876500004,4 MG Road,Active',
];

beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: 'warn' } });
  await writeFile(join(h.dir, 'first.csv'), [HEADER, ...FIRST].join('\r\n') + '\r\n');
  await writeFile(join(h.dir, 'second.csv'), [HEADER, ...SECOND].join('\r\n') + '\r\n');
});
afterAll(async () => {
  await h?.close();
});

function customer(ref: string): CustomerResponse {
  const found = h.sandbox.customers().find((c) => c.uniqueRefNo === ref);
  if (!found) throw new Error(`no customer ${ref} in the sandbox`);
  return found;
}

const contactsOf = (ref: string) =>
  (customer(ref).customerKeyContacts ?? [])
    .filter((c) => c.deleted !== true && c.deleted !== 'true')
    .map((c) => `${c.name} ${c.mobile}`);

async function revert(id: string, dryRun = false): Promise<ImportMeta> {
  const answer = await h.app.reverts.revert(id, { dryRun, origin: 'cli' });
  if (!answer.ok) throw new Error(answer.message);
  return h.app.imports.waitFor(answer.importId, () => undefined, {
    pollMs: 100,
    signal: AbortSignal.timeout(60_000),
  });
}

async function outcomes(meta: ImportMeta): Promise<Record<string, RowResult>> {
  const byRef: Record<string, RowResult> = {};
  for await (const r of h.app.imports.results(meta)) byRef[r.uniqueRefNo] = r;
  return byRef;
}

let first: ImportMeta;
let second: ImportMeta;

describe('revert', () => {
  it('a create import and an update import write what their files say', async () => {
    first = await h.sync(join(h.dir, 'first.csv'));
    expect(first.counts.created).toBe(3);
    second = await h.sync(join(h.dir, 'second.csv'));
    expect(second.state).toBe('done');
    expect(second.counts).toMatchObject({ updated: 2, deactivated: 1, created: 1 });
    expect(customer('R-1')).toMatchObject({ legalName: 'Alpha Traders Pvt Ltd', address: '10 Park Street' });
    expect(customer('R-2').active).toBe(false);
    expect(contactsOf('R-3')).toEqual(['Sunita Rao 9876500033']);
  });

  it('a dry run reports what it would do and writes nothing', async () => {
    const writes = writeCalls(h.sandbox);
    const before = JSON.stringify(h.sandbox.customers());
    const dry = await revert(second.id, true);
    expect(dry.state).toBe('done');
    expect(dry.options).toMatchObject({ revertOf: second.id, dryRun: true });
    expect(dry.counts).toMatchObject({ 'would-update': 2, 'would-activate': 1, 'would-deactivate': 1 });
    expect(writeCalls(h.sandbox)).toBe(writes);
    expect(JSON.stringify(h.sandbox.customers())).toBe(before);
  });

  it('an update import reverted gives the before-values; the customer it created is deactivated', async () => {
    const undo = await revert(second.id);
    expect(undo.state).toBe('done');
    expect(undo.id).not.toBe(second.id);
    expect(undo.counts).toMatchObject({ updated: 2, activated: 1, deactivated: 1, conflict: 0 });
    expect(customer('R-1')).toMatchObject({ legalName: 'Alpha Traders', address: '1 MG Road' });
    expect(customer('R-2').active).toBe(true);
    expect(contactsOf('R-3')).toEqual(['Amit Patel 9876500003']);
    expect(customer('R-4').active).toBe(false);
    const lines = await outcomes(undo);
    expect(lines['R-1']?.changes).toBe(
      'legalName: "Alpha Traders Pvt Ltd" → "Alpha Traders"; address: "10 Park Street" → "1 MG Road"',
    );
    // Its own report folder, one line per row the reverted import wrote.
    const csv = await readFile(join(undo.reportDir ?? '', 'results.csv'), 'utf8');
    expect(csv.trim().split('\r\n')).toHaveLength(5);
  });

  it('reverting the same import again changes nothing', async () => {
    const writes = writeCalls(h.sandbox);
    const again = await revert(second.id);
    expect(again.counts).toMatchObject({ unchanged: 4 });
    expect(writeCalls(h.sandbox)).toBe(writes);
  });

  it('a field changed since is a conflict with both values, and nothing is written for that row', async () => {
    // The revert forgot what was last sent: the same file applies again (not settled as unchanged).
    const third = await h.sync(join(h.dir, 'second.csv'));
    expect(third.counts).toMatchObject({ updated: 2, deactivated: 1, activated: 1 });
    const r1 = customer('R-1');
    // Changed in EnKash since the import (a direct API update, as EnKash's own screens would).
    await h.app.client.updateCustomer(r1.customerId, { address: '99 Changed Lane' });
    const changed = customer('R-1');
    const undo = await revert(third.id);
    expect(undo.counts).toMatchObject({ conflict: 1, updated: 1, activated: 1, deactivated: 1 });
    const line = (await outcomes(undo))['R-1'];
    expect(line?.outcome).toBe('conflict');
    expect(line?.changes).toContain('"10 Park Street"');
    expect(line?.changes).toContain('"99 Changed Lane"');
    // Nothing written for the row: not even the legal name the import changed and nobody touched since.
    expect(customer('R-1')).toEqual(changed);
    expect(customer('R-2').active).toBe(true);
    expect(customer('R-4').active).toBe(false);
  });

  it('a create import reverted deactivates the customers it created; reverting the revert redoes it', async () => {
    const undo = await revert(first.id);
    // R-4 was not created by this import; R-1 … R-3 were. Since changed: deactivated all the same.
    expect(undo.counts).toMatchObject({ deactivated: 3 });
    for (const ref of ['R-1', 'R-2', 'R-3']) expect(customer(ref).active).toBe(false);
    const redo = await revert(undo.id);
    expect(redo.counts).toMatchObject({ activated: 3 });
    for (const ref of ['R-1', 'R-2', 'R-3']) expect(customer(ref).active).toBe(true);
    expect(h.sandbox.customers()).toHaveLength(4);
  });

  it('refuses what cannot be reverted: an unknown import, a dry run', async () => {
    expect(await h.app.reverts.revert('imp-nope', { dryRun: false, origin: 'cli' })).toMatchObject({
      ok: false,
      reason: 'not-found',
    });
    const dry = await h.sync(join(h.dir, 'first.csv'), { dryRun: true });
    expect(await h.app.reverts.revert(dry.id, { dryRun: false, origin: 'cli' })).toMatchObject({
      ok: false,
      reason: 'wrote-nothing',
    });
  });
});
