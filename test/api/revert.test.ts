/**
 * POST /imports/{id}/revert over real HTTP, Redis, BullMQ and the sandbox: a dry run writes nothing, the
 * revert puts the sandbox back, a field changed since is `conflict`; retry's role rules (another
 * uploader's import is 404, a viewer 403); refusals are 404/409 with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCalls } from '../helpers/engine.js';
import { callAs, csvLines, roleKeys, startApi, type ApiHarness, type ImportViewJson } from './helpers.js';

const { keys, apiKeys } = roleKeys();
const HEADER = 'Customer Code,Legal Name,Contact Person,Mobile,Address,Status';
const FIRST = [HEADER, 'V-1,Kaveri Agro,Ravi Kumar,9876511001,1 Ring Road,Active'].join('\r\n');
const SECOND = [
  HEADER,
  'V-1,Kaveri Agro Foods,Ravi Kumar,9876511001,7 Lake View,Inactive',
  'V-2,Tapti Mills,Priya Sharma,9876511002,2 Ring Road,Active',
].join('\r\n');

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ server: { apiKeys } });
});
afterAll(async () => api?.close());

const as = (key: string, path: string, init: RequestInit = {}) => callAs(api, key, path, init);

async function upload(key: string, content: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([content]), name);
  const res = await as(key, '/imports', { method: 'POST', body: form });
  expect(res.status).toBe(202);
  return ((await res.json()) as { importId: string }).importId;
}

async function done(id: string): Promise<ImportViewJson & { kind: string; options: { revertOf?: string } }> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const view = (await (await as(keys.admin, `/imports/${id}`)).json()) as ImportViewJson & {
      kind: string;
      options: { revertOf?: string };
    };
    if (['done', 'failed', 'cancelled'].includes(view.state)) return view;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} did not end`);
}

const revert = (key: string, id: string, body?: object) =>
  as(key, `/imports/${id}/revert`, {
    method: 'POST',
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });

const byRef = (ref: string) => api.h.sandbox.customers().find((c) => c.uniqueRefNo === ref);

describe('POST /imports/{id}/revert', () => {
  it('dry run, then the revert: the sandbox is back to its earlier state', async () => {
    await done(await upload(keys.alice, FIRST, 'first.csv'));
    const before = byRef('V-1');
    const second = await upload(keys.alice, SECOND, 'second.csv');
    expect((await done(second)).counts).toMatchObject({ updated: 1, created: 1 });
    expect(byRef('V-1')).toMatchObject({ legalName: 'Kaveri Agro Foods', active: false });

    // Retry's rules: another uploader does not see it, a viewer may not change anything.
    expect((await revert(keys.bob, second)).status).toBe(404);
    expect((await revert(keys.viewer, second)).status).toBe(403);

    const writes = writeCalls(api.h.sandbox);
    const dry = await revert(keys.alice, second, { dryRun: true });
    expect(dry.status).toBe(202);
    const dryView = await done(((await dry.json()) as { importId: string }).importId);
    expect(dryView).toMatchObject({
      kind: 'revert',
      state: 'done',
      options: { revertOf: second, dryRun: true },
    });
    expect(dryView.counts).toMatchObject({ 'would-update': 1, 'would-deactivate': 1 });
    expect(writeCalls(api.h.sandbox)).toBe(writes);

    const res = await revert(keys.alice, second);
    expect(res.status).toBe(202);
    const { importId, links } = (await res.json()) as { importId: string; links: Record<string, string> };
    expect(links.revert).toBe(`/imports/${importId}/revert`);
    const view = await done(importId);
    expect(view.counts).toMatchObject({ updated: 1, deactivated: 1 });
    expect(byRef('V-1')).toMatchObject({
      legalName: before?.legalName,
      address: before?.address,
      active: true,
    });
    expect(byRef('V-2')?.active).toBe(false);
    const results = csvLines(await (await as(keys.alice, `/imports/${importId}/results.csv`)).text());
    expect(results).toHaveLength(3);
    expect(results[0]).toContain('outcome');
  });

  it('a field changed since the import is `conflict`, with both values, and left as it is', async () => {
    const id = await upload(keys.admin, SECOND, 'second-again.csv');
    expect((await done(id)).state).toBe('done');
    const v1 = byRef('V-1');
    await api.h.app.client.updateCustomer(v1?.customerId ?? '', { legalName: 'Kaveri Agro (edited)' });
    const changed = byRef('V-1');
    const res = await revert(keys.admin, id);
    const view = await done(((await res.json()) as { importId: string }).importId);
    expect(view.counts.conflict).toBe(1);
    expect(byRef('V-1')).toEqual(changed);
    const results = await (await as(keys.admin, `/imports/${view.id}/results.csv`)).text();
    expect(results).toContain('conflict');
    expect(results).toContain('Kaveri Agro (edited)');
    expect(results).toContain('Kaveri Agro Foods');
  });

  it('refuses what cannot be reverted: unknown 404, a dry run or an unfinished import 409', async () => {
    expect((await revert(keys.admin, 'imp-nope')).status).toBe(404);
    const form = new FormData();
    form.append('dryRun', 'true');
    form.append('file', new Blob([FIRST]), 'dry.csv');
    const dry = (await (await as(keys.admin, '/imports', { method: 'POST', body: form })).json()) as {
      importId: string;
    };
    await done(dry.importId);
    const refused = await revert(keys.admin, dry.importId);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('WROTE_NOTHING');
  });
});
