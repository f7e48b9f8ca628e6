/**
 * "Review before applying" from an upload (`review=true`): a file whose reading has no doubt is held in
 * needs-review with nothing written, its plan saying why (`asked`); approve, a mapping change and cancel
 * work as for any held import. And what the import view says of it: the reason of its state, its times
 * in REPORT_TIMEZONE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTimeText } from '../../src/report/local-time.js';
import { eventually, writeCalls } from '../helpers/engine.js';
import { type ApiHarness, callAs, fixture, roleKeys, startApi, uploadAs } from './helpers.js';

const { keys, apiKeys } = roleKeys();

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ server: { apiKeys } });
});
afterAll(async () => api?.close());

type View = {
  id: string;
  state: string;
  stateReason?: string;
  options: { review?: boolean; dryRun: boolean };
  counts: Record<string, number>;
  timeZone: string;
  timings: Record<string, string>;
  links: Record<string, string>;
};
type PlanJson = { state: string; plan: { doubts: { rule: string; message: string }[] } };

const as = (path: string, init: RequestInit = {}) => callAs(api, keys.admin, path, init);
const view = async (id: string) => (await (await as(`/imports/${id}`)).json()) as View;
const planOf = async (id: string) => (await (await as(`/imports/${id}/plan`)).json()) as PlanJson;

const upload = async (name: string, fields: Record<string, string>, path = 'fixtures/sync/mixed.csv') =>
  uploadAs(api, keys.admin, await fixture(path), name, fields);

const stateIs = (id: string, states: string[]) =>
  eventually(async () => {
    const v = await view(id);
    return states.includes(v.state) ? v : undefined;
  }, 60_000);

describe('POST /imports with review=true', () => {
  it('holds a file read without doubt before any write; the plan says you asked; approve writes', async () => {
    const writes = writeCalls(api.h.sandbox);
    const id = await upload('mixed.csv', { review: 'true' });
    const held = await stateIs(id, ['needs-review', 'done', 'failed']);
    expect(held.state).toBe('needs-review');
    expect(held.options.review).toBe(true);
    expect(held.stateReason).toBe('held for review, nothing written: you asked to review before applying');
    const { plan } = await planOf(id);
    expect(plan.doubts).toEqual([{ rule: 'asked', message: 'you asked to review before applying' }]);
    expect(writeCalls(api.h.sandbox)).toBe(writes);
    expect(api.h.sandbox.customers()).toHaveLength(0);

    // A change to the mapping makes the plan again: it stays held, still at the uploader's request.
    const put = await as(`/imports/${id}/mapping`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ columns: { Pincode: null } }),
    });
    expect(put.status).toBe(200);
    expect(((await put.json()) as PlanJson).plan.doubts.map((d) => d.rule)).toEqual(['asked']);

    expect((await as(`/imports/${id}/approve`, { method: 'POST' })).status).toBe(202);
    const done = await stateIs(id, ['done', 'failed', 'cancelled']);
    expect(done.state).toBe('done');
    expect(done.counts.created).toBe(5);
    expect(done.stateReason).toBeUndefined();
    expect(api.h.sandbox.customers()).toHaveLength(5);
  });

  it('a dry run is never held (it writes nothing); review=false is the default', async () => {
    const dry = await upload('dry.csv', { review: 'true', dryRun: 'true' }, 'fixtures/demo/customers.csv');
    const v = await stateIs(dry, ['needs-review', 'done', 'failed']);
    expect(v.state).toBe('done');
    expect((await planOf(dry)).plan.doubts.map((d) => d.rule)).not.toContain('asked');
    const bad = await as('/imports', {
      method: 'POST',
      body: (() => {
        const form = new FormData();
        form.append('review', 'maybe');
        form.append('file', new Blob(['a,b\n1,2\n']), 'x.csv');
        return form;
      })(),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('review');
  });

  it('a held import cancelled says by whom and when, in REPORT_TIMEZONE with its offset', async () => {
    const id = await upload('cancel-me.csv', { review: 'yes' }, 'fixtures/demo/customers.csv');
    await stateIs(id, ['needs-review']);
    expect((await as(`/imports/${id}`, { method: 'DELETE' })).status).toBe(202);
    const v = await view(id);
    expect(v.state).toBe('cancelled');
    expect(v.timeZone).toBe('Asia/Kolkata');
    expect(v.timings.finishedAtLocal).toBe(localTimeText(v.timings.finishedAt ?? '', 'Asia/Kolkata'));
    expect(v.timings.createdAtLocal).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30$/);
    expect(v.stateReason).toBe(
      `cancelled by ops at ${v.timings.finishedAtLocal ?? ''} while held for review: nothing was written`,
    );
    expect(v.links.resume).toBe(`/imports/${id}/resume`);
    expect(v.links.rows).toBe(`/imports/${id}/rows`);
  });

  it('a refused file is failed, and its reason says the file was refused and why', async () => {
    const id = await upload('vouchers.csv', {}, 'fixtures/ingest/no-customer-columns.csv');
    const v = await stateIs(id, ['failed', 'done', 'needs-review']);
    expect(v.state).toBe('failed');
    expect(v.stateReason).toMatch(/^the file was refused: .*vouchers\.csv/);
  });
});
