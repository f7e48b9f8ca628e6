/**
 * `GET /imports/{id}/rows`: a finished import's rows as JSON — outcome, errors, and for updates each
 * field before → after under the file's own header — filtered by outcome, paged, with the total of the
 * filter; 409 before the report exists; the role rules of every import read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine.js';
import { type ApiHarness, callAs, fixture, roleKeys, startApi, uploadAs } from './helpers.js';

const { keys, apiKeys } = roleKeys();

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ server: { apiKeys } });
  // As fixtures/sync/mixed.expected.json says: one the same, one with another legal name, one active.
  const existing = [
    [
      'C-EXIST-SAME',
      'Surya Foods Private Limited',
      '600001',
      'Sunita Rao',
      '9988776655',
      'sunita@surya.example.in',
    ],
    ['C-EXIST-CHG', 'Bharat Steel Works', '110001', 'Vikram Singh', '9811122233', undefined],
    ['C-EXIST-OFF', 'Om Agencies & Co', '380001', 'Anjali Mehta', '9822233344', undefined],
  ] as const;
  for (const [code, legalName, pinCode, name, mobile, email] of existing) {
    await api.h.app.client.createCustomer({
      legalName,
      uniqueRefNo: code,
      pinCode,
      contactNumber: mobile,
      customerKeyContacts: [{ name, mobile, ...(email ? { email } : {}), legalName, deleted: false }],
    });
  }
});
afterAll(async () => api?.close());

type Change = { field: string; column: string | null; before: string; after: string };
type Row = {
  row: number;
  uniqueRefNo: string;
  legalName: string;
  outcome: string;
  customerId: string;
  errors: string;
  warnings: string;
  changes: Change[];
  changesText: string;
};
type Rows = { importId: string; total: number; offset: number; limit: number; rows: Row[] };

const as = (key: string, path: string) => callAs(api, key, path);
const rowsOf = async (id: string, query = '', key = keys.admin) => {
  const res = await as(key, `/imports/${id}/rows${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Rows;
};

const upload = async (key: string, fields: Record<string, string>) =>
  uploadAs(api, key, await fixture('fixtures/sync/mixed.csv'), 'mixed.csv', fields);

const ended = (id: string) =>
  eventually(async () => {
    const v = (await (await as(keys.admin, `/imports/${id}`)).json()) as { state: string };
    return ['done', 'failed', 'cancelled'].includes(v.state) ? v : undefined;
  }, 60_000);

describe('GET /imports/{id}/rows', () => {
  let dryRun = '';
  let real = '';

  it('a dry run: every row, and the would-update with its field before → after under the file header', async () => {
    dryRun = await upload(keys.alice, { dryRun: 'true' });
    expect((await ended(dryRun)).state).toBe('done');
    const all = await rowsOf(dryRun, '', keys.alice);
    expect(all.total).toBe(7);
    expect(all.rows.map((r) => [r.row, r.outcome])).toEqual([
      [2, 'would-create'],
      [3, 'invalid'],
      [4, 'would-create'],
      [5, 'invalid'],
      [6, 'unchanged'],
      [7, 'would-update'],
      [8, 'would-deactivate'],
    ]);
    const update = all.rows[5];
    expect(update?.changes).toEqual([
      {
        field: 'legalName',
        column: 'Party Name',
        before: 'Bharat Steel Works',
        after: 'Bharat Steel Works LLP',
      },
    ]);
    expect(update?.changesText).toContain('dry run: would change');
    expect(all.rows[1]?.errors).toContain('GSTIN');
    expect(all.rows[0]?.changes).toEqual([]);
  });

  it('filters by outcomes, pages inside the filter and answers its total', async () => {
    real = await upload(keys.alice, {});
    expect((await ended(real)).state).toBe('done');
    const written = await rowsOf(real, '?outcome=updated,deactivated,created');
    expect(written.total).toBe(4);
    expect(written.rows.map((r) => r.outcome)).toEqual(['created', 'created', 'updated', 'deactivated']);
    expect(written.rows[3]?.changes).toEqual([
      { field: 'status', column: 'Status', before: 'ACTIVE', after: 'INACTIVE' },
    ]);
    expect(written.rows[2]?.customerId).not.toBe('');
    const page = await rowsOf(real, '?outcome=created,updated,deactivated&offset=2&limit=1');
    expect(page).toMatchObject({ total: 4, offset: 2, limit: 1 });
    expect(page.rows.map((r) => r.row)).toEqual([7]);
    expect((await rowsOf(real, '?outcome=failed')).total).toBe(0);
    expect((await as(keys.admin, `/imports/${real}/rows?outcome=wrote`)).status).toBe(400);
    expect((await as(keys.admin, `/imports/${real}/rows?limit=501`)).status).toBe(400);
  });

  it('the role rules of every read: a viewer sees them, another uploader gets 404', async () => {
    expect((await rowsOf(real, '', keys.viewer)).total).toBe(7);
    expect((await as(keys.bob, `/imports/${real}/rows`)).status).toBe(404);
  });

  it('409 NOT_FINISHED while the import has no report (held for review)', async () => {
    const held = await upload(keys.admin, { review: 'true', mode: 'create-only' });
    await eventually(async () => {
      const v = (await (await as(keys.admin, `/imports/${held}`)).json()) as { state: string };
      return v.state === 'needs-review' ? v : undefined;
    });
    const res = await as(keys.admin, `/imports/${held}/rows`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NOT_FINISHED');
  });
});
