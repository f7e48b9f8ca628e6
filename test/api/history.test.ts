/**
 * The history's filters on `GET /imports`: state, kind, dry run, submitter and a piece of the file name,
 * paged among the matches (`more` says whether a next page exists), and an uploader still sees only its
 * own imports whatever it asks for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { type ApiHarness, callAs, fixture, roleKeys, startApi, uploadAs } from './helpers.js';

const { keys, apiKeys } = roleKeys();

let api: ApiHarness;
type Listed = { id: string; state: string; submittedBy: string; fileName: string };
type List = { offset: number; limit: number; imports: Listed[]; more: boolean };

const as = (key: string, path: string, init: RequestInit = {}) => callAs(api, key, path, init);
const list = async (query: string, key = keys.admin) => {
  const res = await as(key, `/imports?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as List;
};
const ids = async (query: string, key = keys.admin) => (await list(query, key)).imports.map((i) => i.id);

const upload = (key: string, content: Buffer | string, name: string, fields: Record<string, string> = {}) =>
  uploadAs(api, key, content, name, fields);

async function settled(id: string, states: string[]) {
  return eventually(async () => {
    const v = (await (await as(keys.admin, `/imports/${id}`)).json()) as Listed;
    return states.includes(v.state) ? v : undefined;
  }, 60_000);
}

// Oldest first: written, dry run, alice's, held then cancelled, refused.
const made = { written: '', dry: '', alice: '', cancelled: '', refused: '' };

beforeAll(async () => {
  api = await startApi({ server: { apiKeys } });
  made.written = await upload(keys.admin, await fixture('fixtures/sync/mixed.csv'), 'Mixed.csv');
  await settled(made.written, ['done']);
  made.dry = await upload(keys.admin, await fixture('fixtures/demo/customers.csv'), 'customers.csv', {
    dryRun: 'true',
  });
  await settled(made.dry, ['done']);
  made.alice = await upload(keys.alice, syntheticCsv(3, 41, 900), 'Pune-BRANCH-dec.csv');
  await settled(made.alice, ['done']);
  made.cancelled = await upload(keys.admin, syntheticCsv(2, 42, 950), 'held.csv', { review: 'true' });
  await settled(made.cancelled, ['needs-review']);
  expect((await as(keys.admin, `/imports/${made.cancelled}`, { method: 'DELETE' })).status).toBe(202);
  made.refused = await upload(
    keys.admin,
    await fixture('fixtures/ingest/no-customer-columns.csv'),
    'vouchers.csv',
  );
  await settled(made.refused, ['failed']);
});
afterAll(async () => api?.close());

describe('GET /imports filters', () => {
  it('by state (comma-separated), kind and dry run', async () => {
    expect(await ids('state=failed')).toEqual([made.refused]);
    expect(await ids('state=cancelled,failed')).toEqual([made.refused, made.cancelled]);
    expect(await ids('state=done&dryRun=true')).toEqual([made.dry]);
    expect(await ids('dryRun=false&state=done')).toEqual([made.alice, made.written]);
    expect(await ids('kind=revert')).toEqual([]);
    expect(await ids('kind=sync,revert&limit=100')).toHaveLength(5);
  });

  it('by submitter and by a piece of the file name in any letter case', async () => {
    expect(await ids('submittedBy=alice')).toEqual([made.alice]);
    expect(await ids('q=branch')).toEqual([made.alice]);
    expect(await ids('q=MIXED')).toEqual([made.written]);
    expect(await ids('q=.csv&submittedBy=ops&state=done')).toEqual([made.dry, made.written]);
  });

  it('pages among the matches; more says whether another page matches', async () => {
    const first = await list('state=done&limit=2');
    expect(first.imports.map((i) => i.id)).toEqual([made.alice, made.dry]);
    expect(first.more).toBe(true);
    const second = await list('state=done&limit=2&offset=2');
    expect(second.imports.map((i) => i.id)).toEqual([made.written]);
    expect(second.more).toBe(false);
    // Unfiltered, the index pages by itself, and says the same.
    expect((await list('limit=4')).more).toBe(true);
    expect((await list('limit=5')).more).toBe(false);
  });

  it("an uploader's filters apply to its own imports only; a bad value is a 400", async () => {
    expect(await ids('state=done', keys.alice)).toEqual([made.alice]);
    expect(await ids('submittedBy=ops', keys.alice)).toEqual([]);
    expect(await ids('q=csv', keys.bob)).toEqual([]);
    expect(await ids('state=done', keys.viewer)).toEqual([made.alice, made.dry, made.written]);
    expect((await as(keys.admin, '/imports?state=sleeping')).status).toBe(400);
    expect((await as(keys.admin, '/imports?dryRun=maybe')).status).toBe(400);
  });
});
