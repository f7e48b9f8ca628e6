/**
 * Rows to fix, in the page, over real HTTP, Redis, BullMQ and the sandbox: GET rows-to-fix lists the
 * invalid rows in the file's own columns with each problem at its column; POST …/check answers with the
 * ingest's own validation (a duplicate of another row included); POST …/fixes refuses a row still invalid
 * (naming row and column), else submits a follow-up import (fixOf) that creates the customers, whose
 * report keeps original, new, who and when (fixes.csv, summary.json). Roles as retry-failed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/engine.js';
import { callAs, csvLines, roleKeys, startApi, type ApiHarness, type ImportViewJson } from './helpers.js';

const { keys, apiKeys } = roleKeys();
const FILE = [
  'Customer Code,Legal Name,Contact Person,Mobile,Email',
  'G-1,Godavari Traders,Asha Rao,9876512001,asha@godavari.example',
  'G-2,Krishna Foods,Vinod Iyer,12345,vinod@krishna.example',
  'G-3,Narmada Steel,Meena Das,9876512003,meena@',
  'G-1,Tungabhadra Mills,Kiran Shah,9876512004,kiran@tunga.example',
].join('\r\n');

type Col = { key: string; header: string; letter: string; field: string | null };
type Err = { column: string | null; letter?: string; field: string; message: string };
type Row = { row: number; cells: Record<string, string>; errors: Err[] };
type Check = { row: number; ok: boolean; errors: Err[]; warnings: string[] };
type View = ImportViewJson & { submittedBy: string; options: { fixOf?: string; dryRun: boolean } };

let api: ApiHarness;
let first: string;
beforeAll(async () => {
  api = await startApi({ server: { apiKeys }, env: { REPORT_TIMEZONE: 'Asia/Kolkata' } });
  const form = new FormData();
  form.append('file', new Blob([FILE]), 'godavari.csv');
  const res = await as(keys.alice, '/imports', { method: 'POST', body: form });
  expect(res.status).toBe(202);
  first = ((await res.json()) as { importId: string }).importId;
  expect((await done(first)).counts).toMatchObject({ created: 1, invalid: 3 });
});
afterAll(async () => api?.close());

const as = (key: string, path: string, init: RequestInit = {}) => callAs(api, key, path, init);
const post = (key: string, path: string, body: unknown) =>
  as(key, path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

async function done(id: string): Promise<View> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const view = (await (await as(keys.admin, `/imports/${id}`)).json()) as View;
    if (['done', 'failed', 'cancelled'].includes(view.state)) return view;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} did not end`);
}

const check = async (key: string, row: number, cells: Record<string, string>) => {
  const res = await post(key, `/imports/${first}/rows-to-fix/check`, { row, cells });
  return { status: res.status, body: (await res.json()) as Check };
};

describe('rows to fix, in the page', () => {
  it('lists the invalid rows with their original cells and each error at its column', async () => {
    const res = await as(keys.viewer, `/imports/${first}/rows-to-fix`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { columns: Col[]; rows: Row[]; total: number };
    expect(body.columns.map((c) => [c.header, c.field])).toEqual([
      ['Customer Code', 'uniqueRefNo'],
      ['Legal Name', 'legalName'],
      ['Contact Person', 'customerKeyContacts[0].name'],
      ['Mobile', 'customerKeyContacts[0].mobile'],
      ['Email', 'customerKeyContacts[0].email'],
    ]);
    expect(body.total).toBe(3);
    expect(body.rows.map((r) => r.row)).toEqual([3, 4, 5]);
    const [mobile, email, dup] = body.rows as [Row, Row, Row];
    expect(mobile.cells).toEqual({
      'Customer Code': 'G-2',
      'Legal Name': 'Krishna Foods',
      'Contact Person': 'Vinod Iyer',
      Mobile: '12345',
      Email: 'vinod@krishna.example',
    });
    expect(mobile.errors).toEqual([expect.objectContaining({ column: 'Mobile', letter: 'D' })]);
    expect(mobile.errors[0]?.message).toContain('12345');
    expect(email.errors).toEqual([expect.objectContaining({ column: 'Email', letter: 'E' })]);
    expect(dup.errors).toEqual([expect.objectContaining({ column: 'Customer Code', field: 'uniqueRefNo' })]);
    expect(dup.errors[0]?.message).toContain('row 2');
  });

  it('check: ok for a fixed row; a still-bad row or a duplicate names its column', async () => {
    const fixed = await check(keys.alice, 3, { Mobile: '9876512002' });
    expect(fixed).toEqual({ status: 200, body: { row: 3, ok: true, errors: [], warnings: [] } });
    const still = await check(keys.alice, 4, { Email: 'meena@narmada' });
    expect(still.status).toBe(200);
    expect(still.body.ok).toBe(false);
    expect(still.body.errors.map((e) => e.column)).toEqual(['Email']);
    // The code of row 2, synced already: a duplicate of it; a new code is not.
    const dup = await check(keys.alice, 5, { 'Customer Code': 'g-1' });
    expect(dup.body.errors).toEqual([expect.objectContaining({ column: 'Customer Code' })]);
    expect((await check(keys.alice, 5, { 'Customer Code': 'G-4' })).body.ok).toBe(true);
    // Only rows of errors.csv, only the file's columns.
    expect((await check(keys.alice, 2, { Mobile: '9876512009' })).status).toBe(400);
    expect((await check(keys.alice, 3, { Phone: '9876512009' })).status).toBe(400);
  });

  it('roles: a viewer may not check or send; another uploader does not see the import', async () => {
    expect((await check(keys.viewer, 3, { Mobile: '9876512002' })).status).toBe(403);
    expect(
      (await post(keys.viewer, `/imports/${first}/fixes`, { rows: [{ row: 3, cells: {} }] })).status,
    ).toBe(403);
    expect((await as(keys.bob, `/imports/${first}/rows-to-fix`)).status).toBe(404);
    expect((await check(keys.bob, 3, { Mobile: '9876512002' })).status).toBe(404);
  });

  it('fixes: refuses a row still invalid, naming row and column; else the follow-up creates them', async () => {
    const rows = [
      { row: 3, cells: { Mobile: '9876512002' } },
      { row: 4, cells: { Email: 'meena@' } },
      { row: 5, cells: { 'Customer Code': 'G-4' } },
    ];
    const refused = await post(keys.alice, `/imports/${first}/fixes`, { rows });
    expect(refused.status).toBe(400);
    const message = ((await refused.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/row 4: column "Email" \(E\)/);
    expect(api.h.sandbox.customers().map((c) => c.uniqueRefNo)).toEqual(['G-1']);

    rows[1] = { row: 4, cells: { Email: 'meena@narmada.example' } };
    const res = await post(keys.alice, `/imports/${first}/fixes`, { rows });
    expect(res.status).toBe(202);
    const submitted = (await res.json()) as { importId: string; links: Record<string, string> };
    expect(submitted.links['fixes.csv']).toBe(`/imports/${submitted.importId}/fixes.csv`);
    const view = await done(submitted.importId);
    expect(view).toMatchObject({
      state: 'done',
      submittedBy: 'alice',
      options: { fixOf: first, dryRun: false },
    });
    expect(view.counts).toMatchObject({ created: 3, invalid: 0 });
    const created = api.h.sandbox.customers();
    expect(created.map((c) => c.uniqueRefNo).sort()).toEqual(['G-1', 'G-2', 'G-3', 'G-4']);
    expect(created.find((c) => c.uniqueRefNo === 'G-4')?.legalName).toBe('Tungabhadra Mills');

    const fixes = csvLines(await (await as(keys.admin, `/imports/${submitted.importId}/fixes.csv`)).text());
    expect(fixes[0]).toBe('row,sheet,fixedRow,column,letter,field,original,new,by,at,atLocal');
    const lines = fixes.slice(1).map((l) => l.split(','));
    expect(lines.map((l) => l.slice(0, 9))).toEqual([
      ['3', '', '2', 'Mobile', 'D', 'customerKeyContacts[0].mobile', '12345', '9876512002', 'alice'],
      [
        '4',
        '',
        '3',
        'Email',
        'E',
        'customerKeyContacts[0].email',
        'meena@',
        'meena@narmada.example',
        'alice',
      ],
      ['5', '', '4', 'Customer Code', 'A', 'uniqueRefNo', 'G-1', 'G-4', 'alice'],
    ]);
    for (const l of lines) {
      expect(Number.isNaN(Date.parse(l[9] ?? ''))).toBe(false);
      expect(l[10]).toMatch(/\+05:30$/);
      // The same moment, to the second the local form is written in.
      expect(Date.parse(l[10] ?? '')).toBe(Math.floor(Date.parse(l[9] ?? '') / 1000) * 1000);
    }

    const summary = (await (await as(keys.admin, `/imports/${submitted.importId}/summary.json`)).json()) as {
      files: Record<string, string>;
      fixes: { fixOf: string; by: string; rows: object[]; changes: { original: string; value: string }[] };
    };
    expect(summary.files.fixesCsv).toBe('fixes.csv');
    expect(summary.fixes).toMatchObject({
      fixOf: first,
      by: 'alice',
      rows: [
        { row: 3, fixedRow: 2 },
        { row: 4, fixedRow: 3 },
        { row: 5, fixedRow: 4 },
      ],
    });
    expect(summary.fixes.changes[0]).toMatchObject({ original: '12345', value: '9876512002' });
    // The follow-up's results.csv rows are the fixedRow numbers.
    const results = csvLines(
      await (await as(keys.admin, `/imports/${submitted.importId}/results.csv`)).text(),
    );
    expect(results.slice(1).map((l) => l.split(',')[0])).toEqual(['2', '3', '4']);
  });

  it('a workbook read on several sheets: rows named by row and sheet, duplicates across sheets', async () => {
    const form = new FormData();
    const xlsx = await readFile(join(REPO_ROOT, 'fixtures/ingest/branch-sheets.xlsx'));
    form.append('file', new Blob([xlsx]), 'branch-sheets.xlsx');
    const res = await as(keys.admin, '/imports', { method: 'POST', body: form });
    const id = ((await res.json()) as { importId: string }).importId;
    expect((await done(id)).counts).toMatchObject({ created: 4, invalid: 2 });
    const listed = (await (await as(keys.admin, `/imports/${id}/rows-to-fix`)).json()) as {
      rows: (Row & { sheet?: string })[];
    };
    expect(listed.rows.map((r) => [r.row, r.sheet, r.errors.map((e) => e.column)])).toEqual([
      [3, 'Delhi', ['Mobile']],
      [5, 'Delhi', ['Customer Code']],
    ]);
    expect(listed.rows[1]?.errors[0]?.message).toContain('row 3 of sheet "Mumbai"');
    const checkOn = (body: object) => post(keys.admin, `/imports/${id}/rows-to-fix/check`, body);
    // Still the code of a Mumbai row; a row of Mumbai is not a row to fix.
    const dup = (await (
      await checkOn({ row: 5, sheet: 'Delhi', cells: { 'Customer Code': 'mum-1' } })
    ).json()) as Check;
    expect(dup.errors[0]?.message).toContain('row 2 of sheet "Mumbai"');
    expect((await checkOn({ row: 3, sheet: 'Mumbai', cells: {} })).status).toBe(400);

    const sent = await post(keys.admin, `/imports/${id}/fixes`, {
      rows: [
        { row: 3, sheet: 'Delhi', cells: { Mobile: '9811012345' } },
        { row: 5, sheet: 'Delhi', cells: { 'Customer Code': 'DEL-5' } },
      ],
    });
    expect(sent.status).toBe(202);
    const followUp = ((await sent.json()) as { importId: string }).importId;
    expect((await done(followUp)).counts).toMatchObject({ created: 2 });
    const codes = api.h.sandbox.customers().map((c) => c.uniqueRefNo);
    expect(codes).toEqual(expect.arrayContaining(['DEL-2', 'DEL-5']));
    const fixes = csvLines(await (await as(keys.admin, `/imports/${followUp}/fixes.csv`)).text());
    expect(fixes.slice(1).map((l) => l.split(',').slice(0, 8))).toEqual([
      ['3', 'Delhi', '2', 'Mobile', 'E', 'customerKeyContacts[0].mobile', '98110', '9811012345'],
      ['5', 'Delhi', '3', 'Customer Code', 'A', 'uniqueRefNo', 'MUM-2', 'DEL-5'],
    ]);
  });
});
