/**
 * `POST /imports/{id}/resume`: a cancelled import's rows that its cancel left unsent, as a new import of
 * the same file linked by `resumeOf`; afterwards EnKash holds every row of the file once. The refusals
 * (not cancelled, nothing left, the file gone) and the role rules of retry-failed.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/engine.js';
import { syntheticCsv } from '../helpers/synthetic-customers.js';
import { type ApiHarness, callAs, roleKeys, startApi, uploadAs } from './helpers.js';

const { keys, apiKeys } = roleKeys();
const ROWS = 120;

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ env: { WORKER_CONCURRENCY: '1' }, faults: { latencyMs: 40 }, server: { apiKeys } });
});
afterAll(async () => api?.close());

type View = {
  id: string;
  state: string;
  stateReason?: string;
  options: { resumeOf?: string; onlyRowCount?: number };
  progress: { done: number; total: number | null };
  counts: Record<string, number>;
};

const as = (key: string, path: string, init: RequestInit = {}) => callAs(api, key, path, init);
const view = async (id: string) => (await (await as(keys.admin, `/imports/${id}`)).json()) as View;
const ended = (id: string) =>
  eventually(
    async () => {
      const v = await view(id);
      return ['done', 'failed', 'cancelled'].includes(v.state) ? v : undefined;
    },
    90_000,
    `import ${id} to end`,
  );
const resume = (id: string, key = keys.alice) => as(key, `/imports/${id}/resume`, { method: 'POST' });
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

const upload = (key: string, content: string, name: string, fields: Record<string, string> = {}) =>
  uploadAs(api, key, content, name, fields);

describe('POST /imports/{id}/resume', () => {
  let cancelled = '';

  it('sends the rows the cancel left unsent as a new import linked by resumeOf; EnKash then has every row once', async () => {
    cancelled = await upload(keys.alice, syntheticCsv(ROWS, 31), 'resume-me.csv');
    await eventually(async () => {
      const v = await view(cancelled);
      return v.progress.done > 0 ? v : undefined;
    }, 60_000);
    expect((await as(keys.alice, `/imports/${cancelled}`, { method: 'DELETE' })).status).toBe(202);
    const first = await ended(cancelled);
    expect(first.state).toBe('cancelled');
    expect(first.stateReason).toMatch(
      /^cancelled by alice at .* \+05:30: the rows not yet sent were skipped/,
    );
    const unsent = first.counts.skipped ?? 0;
    expect(unsent).toBeGreaterThan(0);
    expect(api.h.sandbox.customers()).toHaveLength(ROWS - unsent);

    // Not the viewer (changes nothing), not another uploader (not its import).
    expect((await resume(cancelled, keys.viewer)).status).toBe(403);
    expect((await resume(cancelled, keys.bob)).status).toBe(404);

    const res = await resume(cancelled);
    expect(res.status).toBe(202);
    const { importId, links } = (await res.json()) as { importId: string; links: Record<string, string> };
    expect(importId).not.toBe(cancelled);
    expect(links.self).toBe(`/imports/${importId}`);
    const second = await ended(importId);
    expect(second.state).toBe('done');
    expect(second.options).toMatchObject({ resumeOf: cancelled, onlyRowCount: unsent });
    expect(second.progress.total).toBe(unsent);
    expect(second.counts.created).toBe(unsent);
    const codes = api.h.sandbox.customers().map((c) => c.uniqueRefNo);
    expect(codes).toHaveLength(ROWS);
    expect(new Set(codes).size).toBe(ROWS);

    // The resume itself was not cancelled.
    const again = await resume(importId);
    expect(again.status).toBe(409);
    expect(await codeOf(again)).toBe('NOT_CANCELLED');
  });

  it('410 FILE_GONE once the uploaded file is no longer kept', async () => {
    const meta = await api.h.app.imports.get(cancelled);
    await rm(meta?.filePath ?? '', { force: true });
    const res = await resume(cancelled);
    expect(res.status).toBe(410);
    expect(await codeOf(res)).toBe('FILE_GONE');
  });

  it('409 NOTHING_TO_RESUME for an import cancelled while held for review (no row was read)', async () => {
    const held = await upload(keys.alice, syntheticCsv(3, 32, 500), 'held.csv', { review: 'true' });
    await eventually(async () => ((await view(held)).state === 'needs-review' ? true : undefined));
    expect((await as(keys.alice, `/imports/${held}`, { method: 'DELETE' })).status).toBe(202);
    const res = await resume(held);
    expect(res.status).toBe(409);
    expect(await codeOf(res)).toBe('NOTHING_TO_RESUME');
  });
});
