import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FILE_NAMES } from '../../src/report/types.js';
import { csvLines, fixture, startApi, type ApiHarness, type ImportViewJson } from './helpers.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api?.close());

const RESULTS_HEADER =
  'row,sheet,uniqueRefNo,legalName,outcome,customerId,attempts,httpStatus,errorType,errors,warnings,requestId,changes';

describe('POST /imports → poll → reports (end to end, real Redis, sandbox and HTTP)', () => {
  let importId = '';

  it('accepts fixtures/sync/mixed.csv with 202 and links, and the import runs to done', async () => {
    const res = await api.upload(await fixture('fixtures/sync/mixed.csv'), 'mixed.csv', { mode: 'upsert' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      importId: string;
      duplicate: boolean;
      links: Record<string, string>;
    };
    expect(body.duplicate).toBe(false);
    expect(body.links['results.csv']).toBe(`/imports/${body.importId}/results.csv`);
    importId = body.importId;

    const view = await api.waitDone(importId);
    expect(view.state).toBe('done');
    expect(view.fileName).toBe('mixed.csv');
    expect(view.progress).toEqual({ parsed: 7, total: 7, done: 7 });
    expect(view.counts.invalid).toBe(2);
    expect(view.counts.created).toBe(5);
    expect(view.reportReady).toBe(true);
    expect(JSON.stringify(view)).not.toContain(api.h.dir); // no server paths in answers
  });

  it('serves results.csv and errors.csv as attachments with their content', async () => {
    const res = await api.call(`/imports/${importId}/results.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${importId}-results.csv"`);
    const lines = csvLines(await res.text());
    expect(lines[0]).toBe(RESULTS_HEADER);
    expect(lines).toHaveLength(8);

    const errors = await api.call(`/imports/${importId}/errors.csv`);
    expect(errors.status).toBe(200);
    const rows = Papa.parse<Record<string, string>>((await errors.text()).replace(/^\uFEFF/, ''), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows.map((r) => r['Customer Code'])).toEqual(['C-BAD-1', 'C-DUP-1']);
    expect(rows[0]?.Error).toContain('GSTIN');
  });

  it('serves results.xlsx and summary.json with their content types', async () => {
    const xlsx = await api.call(`/imports/${importId}/results.xlsx`);
    expect(xlsx.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const summary = (await (await api.call(`/imports/${importId}/summary.json`)).json()) as {
      reconciled: boolean;
    };
    expect(summary.reconciled).toBe(true);
    expect(Object.values(REPORT_FILE_NAMES)).toHaveLength(5);
    expect((await api.call(`/imports/${importId}/failed.csv`)).status).toBe(200);
  });

  it('lists imports newest first, paged', async () => {
    const second = (await (
      await api.upload(await fixture('fixtures/demo/customers.csv'), 'customers.csv', { dryRun: 'true' })
    ).json()) as { importId: string };
    await api.waitDone(second.importId);
    const page = (await (await api.call('/imports?offset=0&limit=1')).json()) as {
      imports: ImportViewJson[];
    };
    expect(page.imports.map((i) => i.id)).toEqual([second.importId]);
    expect(page.imports[0]?.options.dryRun).toBe(true);
    const next = (await (await api.call('/imports?offset=1&limit=1')).json()) as {
      imports: ImportViewJson[];
    };
    expect(next.imports.map((i) => i.id)).toEqual([importId]);
    expect((await api.call('/imports?limit=1000')).status).toBe(400);
  });

  it('answers 404 for unknown imports and reports, 400 for ids that are not ids, 409 when nothing failed', async () => {
    expect((await api.call('/imports/imp-20260101-000000-zzzzzz')).status).toBe(404);
    expect((await api.call('/imports/imp-20260101-000000-zzzzzz/results.csv')).status).toBe(404);
    expect((await api.call('/imports/..%2F..%2Fetc/results.csv')).status).toBe(400);
    expect((await api.call(`/imports/${importId}/passwd`)).status).toBe(400);
    const retry = await api.call(`/imports/${importId}/retry-failed`, { method: 'POST' });
    expect(retry.status).toBe(409);
    expect(((await retry.json()) as { error: { code: string } }).error.code).toBe('NOTHING_TO_RETRY');
    const cancel = await api.call(`/imports/${importId}`, { method: 'DELETE' });
    expect(cancel.status).toBe(409);
  });
});
