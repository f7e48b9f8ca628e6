/**
 * Review before write through the API, the watched folder and a nightly job: each kind of doubt holds
 * the import with nothing written (the sandbox holds no new customer); a correction or an approval then
 * writes the rows with their codes; a second file of the same shape is not held.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/schedule/job-runner.js';
import { eventually, writeCalls } from '../helpers/engine.js';
import { fixture, startApi, type ApiHarness } from '../api/helpers.js';
import { definition, startWebhook, type Webhook } from '../schedule/helpers.js';
import { list, newWatchDir, startWatcher } from '../watch/helpers.js';
import { writeDifferingBranches } from './branch-workbook.js';

let api: ApiHarness;
let webhook: Webhook;
beforeAll(async () => {
  webhook = await startWebhook();
  api = await startApi({ env: { ALERT_WEBHOOK_URL: webhook.url, OUTBOUND_ALLOW_PRIVATE: 'true' } });
});
afterAll(async () => {
  await api?.close();
  await webhook?.close();
});

type PlanJson = {
  state: string;
  plan: { doubts: { rule: string }[]; columns: { header: string; target: string | null; source?: string }[] };
};

async function uploadAndHold(path: string, name: string, content?: Buffer): Promise<string> {
  const bytes = content ?? (await fixture(path));
  const answer = (await (await api.upload(bytes, name)).json()) as { importId: string };
  await eventually(async () => {
    const view = (await (await api.call(`/imports/${answer.importId}`)).json()) as { state: string };
    return view.state === 'needs-review' ? view : undefined;
  });
  return answer.importId;
}

const codes = () => api.h.sandbox.customers().map((c) => c.uniqueRefNo ?? '');

describe('HTTP API', () => {
  it.each([
    ['fixtures/review/clerk-debtors.csv', ['key-guessed', 'unconfirmed-guess']],
    ['fixtures/review/unknown-code-header.csv', ['key-guessed', 'unconfirmed-guess']],
    ['fixtures/review/two-code-columns.csv', ['no-match-key']],
  ])('%s is held for review with nothing written (%j)', async (path, rules) => {
    const before = api.h.sandbox.customers().length;
    const writes = writeCalls(api.h.sandbox);
    const id = await uploadAndHold(path, path.split('/').pop() ?? 'file.csv');
    const body = (await (await api.call(`/imports/${id}/plan`)).json()) as PlanJson;
    expect(body.state).toBe('needs-review');
    expect(body.plan.doubts.map((d) => d.rule)).toEqual(rules);
    expect(api.h.sandbox.customers().length).toBe(before);
    expect(writeCalls(api.h.sandbox)).toBe(writes);
    // Approving is refused once it is no longer held; cancelling a held import ends it at once.
    expect((await api.call(`/imports/${id}`, { method: 'DELETE' })).status).toBe(202);
    expect((await api.call(`/imports/${id}/approve`, { method: 'POST' })).status).toBe(409);
  });

  it('the mapping endpoint corrects the reading; approval writes the rows with their codes; the same shape is not held again', async () => {
    const id = await uploadAndHold('fixtures/review/two-code-columns.csv', 'odisha.csv');
    const unknown = await api.call(`/imports/${id}/mapping`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ columns: { 'Ref A': 'customerCode' } }),
    });
    expect(unknown.status).toBe(400);
    const put = await api.call(`/imports/${id}/mapping`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ columns: { 'Ref A': 'uniqueRefNo', 'Ref B': null } }),
    });
    expect(put.status).toBe(200);
    const replanned = (await put.json()) as PlanJson;
    expect(replanned.plan.doubts).toEqual([]);
    expect(replanned.plan.columns.find((c) => c.header === 'Ref A')).toMatchObject({
      target: 'uniqueRefNo',
      source: 'mapping',
    });
    expect((await api.call(`/imports/${id}/approve`, { method: 'POST' })).status).toBe(202);
    const done = await api.waitDone(id);
    expect(done.state).toBe('done');
    expect(done.counts.created).toBe(3);
    expect(codes()).toEqual(expect.arrayContaining(['OD-11', 'OD-12', 'OD-13']));

    // Next month's file: same headers, other rows. Read by the saved profile, written without a hold.
    const csv =
      'Party Name,Ref A,Ref B,Mobile\nRourkela Steel,OD-21,AX-921,9437012321\nCuttack Silver,OD-22,AX-922,9437012322\nSambalpur Sarees,OD-23,AX-923,9437012323\n';
    const second = (await (await api.upload(csv, 'odisha-next.csv')).json()) as { importId: string };
    const view = await api.waitDone(second.importId);
    expect(view.state).toBe('done');
    expect(view.counts.created).toBe(3);
    expect(codes()).toEqual(expect.arrayContaining(['OD-21', 'OD-22', 'OD-23']));
  });

  it("a held import's plan carries the expected counts, read from EnKash by a dry run beside it", async () => {
    const csv =
      'Party Name,Kennzahl,Mobile\nVizag Steel Traders,KZ-401,9848014401\nTirupati Laddus,KZ-402,9848014402\nGuntur Chillies,KZ-403,98480\n';
    const writes = writeCalls(api.h.sandbox);
    const id = await uploadAndHold('', 'counted.csv', Buffer.from(csv));
    type Counted = { plan: { expected: Record<string, number> | null; expectedWhyNot?: string } };
    const counted = await eventually(async () => {
      const body = (await (await api.call(`/imports/${id}/plan`)).json()) as Counted;
      return body.plan.expected ? body.plan : undefined;
    });
    expect(counted.expected).toMatchObject({
      'would-create': 2,
      invalid: 1,
      'would-update': 0,
      unchanged: 0,
    });
    expect(counted.expectedWhyNot).toBeUndefined();
    // Counting read EnKash and wrote nothing; the import is still held, and listed once.
    expect(writeCalls(api.h.sandbox)).toBe(writes);
    expect(((await (await api.call(`/imports/${id}`)).json()) as { state: string }).state).toBe(
      'needs-review',
    );
    const listed = (await (await api.call('/imports?limit=100')).json()) as {
      imports: { fileName: string }[];
    };
    expect(listed.imports.filter((i) => i.fileName === 'counted.csv')).toHaveLength(1);
  });

  it('two approvals at once continue the import exactly once', async () => {
    // Headers of its own, so no earlier test's saved profile reads it: "Merkmal" is matched by content.
    const csv =
      'Party Name,Merkmal,Mobile\nKakinada Ports,MK-301,9848013301\nGuntur Chillies,MK-302,9848013302\nNellore Rice,MK-303,9848013303\n';
    const upload = (await (await api.upload(csv, 'andhra.csv')).json()) as { importId: string };
    const id = upload.importId;
    await eventually(async () => {
      const view = (await (await api.call(`/imports/${id}`)).json()) as { state: string };
      return view.state === 'needs-review' ? view : undefined;
    });
    const writes = writeCalls(api.h.sandbox);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api.call(`/imports/${id}/approve`, { method: 'POST' })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409]);
    const done = await api.waitDone(id);
    expect(done.state).toBe('done');
    expect(done.counts.created).toBe(3);
    expect(writeCalls(api.h.sandbox) - writes).toBe(3);
    const meta = await api.h.app.imports.get(id);
    expect(meta?.reviewRound).toBe(1);
    // One approval, one continuation: the import job ran twice in all (the hold, then the approved run).
    const jobs = await api.h.app.queues.imports.getJobs([
      'completed',
      'failed',
      'active',
      'waiting',
      'delayed',
    ]);
    expect(jobs.filter((j) => j.name === 'import' && j.data.importId === id)).toHaveLength(2);
    expect(codes().filter((c) => c.startsWith('MK-30'))).toHaveLength(3);
  });

  it('a workbook whose sheets differ in layout is held (sheets-differ); approved, every sheet is written; the same shape is not held again', async () => {
    const path = join(api.h.dir, 'branches-api.xlsx');
    const expected = await writeDifferingBranches(path, 'AP');
    const writes = writeCalls(api.h.sandbox);
    const id = await uploadAndHold(path, 'branches.xlsx', await readFile(path));
    const body = (await (await api.call(`/imports/${id}/plan`)).json()) as PlanJson & {
      plan: { sheets: { name: string }[] };
    };
    expect(body.plan.doubts.map((d) => d.rule)).toEqual(['sheets-differ']);
    expect(body.plan.sheets.map((s) => s.name)).toEqual(['North', 'South']);
    expect(writeCalls(api.h.sandbox)).toBe(writes);
    expect((await api.call(`/imports/${id}/approve`, { method: 'POST' })).status).toBe(202);
    const done = await api.waitDone(id);
    expect(done.counts.created).toBe(3);
    expect(codes()).toEqual(expect.arrayContaining(expected));
    const rows: { row: number; sheet?: string; uniqueRefNo: string }[] = [];
    const meta = await api.h.app.imports.get(id);
    if (meta) for await (const r of api.h.app.imports.results(meta)) rows.push(r);
    expect(rows.map((r) => [r.sheet, r.uniqueRefNo])).toEqual([
      ['North', 'AP-N1'],
      ['North', 'AP-N2'],
      ['South', 'AP-S1'],
    ]);
    // Next month's workbook of the same two layouts: read by the saved profile, without a hold.
    const next = join(api.h.dir, 'branches-api-next.xlsx');
    await writeDifferingBranches(next, 'AP');
    const second = (await (await api.upload(await readFile(next), 'branches-next.xlsx')).json()) as {
      importId: string;
    };
    expect((await api.waitDone(second.importId)).state).toBe('done');
  });

  it('documents the review routes in OpenAPI', async () => {
    const doc = (await (await api.call('/docs/json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/imports/{id}/plan', '/imports/{id}/mapping', '/imports/{id}/approve']),
    );
  });
});

describe('watched folder', () => {
  it('a file in doubt waits in review/ with its plan; approved, it is imported and moves to done/', async () => {
    const dir = await newWatchDir(api.h.dir);
    const watcher = await startWatcher(api.h.app, dir, 200);
    try {
      const before = api.h.sandbox.customers().length;
      await writeFile(
        join(dir, 'inbox', 'clerk.csv'),
        await fixture('fixtures/review/unknown-code-header.csv'),
      );
      const held = await eventually(async () => {
        const names = await list(dir, 'review');
        return names.some((n) => n.endsWith('__clerk.csv')) ? names : undefined;
      });
      expect(held.some((n) => n.endsWith('clerk.csv.plan.txt'))).toBe(true);
      expect(held.some((n) => n.endsWith('clerk.csv.plan.json'))).toBe(true);
      const claim = held.find((n) => n.endsWith('__clerk.csv')) ?? '';
      const planText = await readFile(join(dir, 'review', `${claim}.plan.txt`), 'utf8');
      expect(planText).toContain('Kennung');
      expect(planText).toContain('key-guessed');
      expect(api.h.sandbox.customers().length).toBe(before);
      const sidecar = JSON.parse(await readFile(join(dir, 'review', `${claim}.claim.json`), 'utf8')) as {
        importId: string;
      };
      expect((await api.h.app.imports.approve(sidecar.importId)).ok).toBe(true);
      await eventually(async () => ((await list(dir, 'done')).includes(claim) ? true : undefined), 60_000);
      expect(await list(dir, 'review')).toEqual([]);
      expect(codes()).toEqual(expect.arrayContaining(['KX-2001', 'KX-2002', 'KX-2003', 'KX-2004']));
    } finally {
      await watcher.close();
    }
  });

  it('a workbook whose sheets differ in layout waits in review/; approved, both sheets are imported', async () => {
    const dir = await newWatchDir(api.h.dir);
    const watcher = await startWatcher(api.h.app, dir, 200);
    try {
      const before = api.h.sandbox.customers().length;
      const expected = await writeDifferingBranches(join(api.h.dir, 'wf.xlsx'), 'WF');
      await writeFile(join(dir, 'inbox', 'branches.xlsx'), await readFile(join(api.h.dir, 'wf.xlsx')));
      // The file is moved into review/ last, after its plan and sidecar (holdForReview): wait for it.
      const held = await eventually(async () => {
        const names = await list(dir, 'review');
        return names.some((n) => n.endsWith('__branches.xlsx')) ? names : undefined;
      });
      const claim = held.find((n) => n.endsWith('__branches.xlsx')) ?? '';
      expect(await readFile(join(dir, 'review', `${claim}.plan.txt`), 'utf8')).toContain('sheets-differ');
      expect(api.h.sandbox.customers().length).toBe(before);
      const sidecar = JSON.parse(await readFile(join(dir, 'review', `${claim}.claim.json`), 'utf8')) as {
        importId: string;
      };
      expect((await api.h.app.imports.approve(sidecar.importId)).ok).toBe(true);
      await eventually(async () => ((await list(dir, 'done')).includes(claim) ? true : undefined), 60_000);
      expect(codes()).toEqual(expect.arrayContaining(expected));
    } finally {
      await watcher.close();
    }
  });
});

describe('nightly job', () => {
  it('a run whose reading is in doubt is held like a guardrail hold, with the alert; approving it writes', async () => {
    const folder = join(api.h.dir, 'erp');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'debtors.csv'), await fixture('fixtures/review/clerk-debtors.csv'));
    const runner = new JobRunner(api.h.app);
    const job = definition({
      name: 'clerk-nightly',
      source: { folder, glob: '*.csv' },
      schedule: { cron: '0 2 * * *' },
    });
    const before = api.h.sandbox.customers().length;
    const writes = writeCalls(api.h.sandbox);
    const run = await runner.run(job);
    expect(run.outcome).toBe('awaiting-approval');
    expect(run.reason).toContain('Debtor ID');
    expect(api.h.sandbox.customers().length).toBe(before);
    expect(writeCalls(api.h.sandbox)).toBe(writes);
    const alert = await eventually(async () =>
      webhook.bodies.find((b) => b.kind === 'awaiting-approval' && b.job === 'clerk-nightly'),
    );
    expect(String(alert.message)).toContain('reading of the file is in doubt');

    const approved = await runner.approve(job);
    expect(approved.outcome).toBe('imported');
    expect(codes()).toEqual(expect.arrayContaining(['DR-101', 'DR-102', 'DR-103', 'DR-104']));
    // The repeated DR-101 is one customer, not two: the code is the match key.
    expect(codes().filter((c) => c === 'DR-101')).toHaveLength(1);

    // Tomorrow's export of the same shape runs without a hold.
    await writeFile(
      join(folder, 'debtors.csv'),
      (await readFile(join(folder, 'debtors.csv'), 'utf8')).replace('Udupi Fisheries', 'Udupi Fisheries LLP'),
    );
    const tomorrow = await runner.run(job);
    expect(tomorrow.outcome).toBe('imported');
  });

  it('a workbook whose sheets differ in layout is held with the alert; approving it writes both sheets', async () => {
    const folder = join(api.h.dir, 'erp-branches');
    await mkdir(folder, { recursive: true });
    const expected = await writeDifferingBranches(join(folder, 'branches.xlsx'), 'NJ');
    const runner = new JobRunner(api.h.app);
    const job = definition({
      name: 'branches-nightly',
      source: { folder, glob: '*.xlsx' },
      schedule: { cron: '0 2 * * *' },
    });
    const writes = writeCalls(api.h.sandbox);
    const run = await runner.run(job);
    expect(run.outcome).toBe('awaiting-approval');
    expect(run.reason).toContain('different layouts');
    expect(writeCalls(api.h.sandbox)).toBe(writes);
    await eventually(async () =>
      webhook.bodies.find((b) => b.kind === 'awaiting-approval' && b.job === 'branches-nightly'),
    );
    const approved = await runner.approve(job);
    expect(approved.outcome).toBe('imported');
    expect(codes()).toEqual(expect.arrayContaining(expected));
  });
});
