import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawMultipart, startApi, type ApiHarness } from './helpers.js';

const MAX = 64 * 1024;
let api: ApiHarness;
beforeAll(async () => {
  // UPLOAD_DIR two levels below the temp root, so `../../x` would still land inside what we list.
  api = await startApi({ server: { maxUploadBytes: MAX }, uploadSubdir: 'srv/data/uploads' });
});
afterAll(async () => api?.close());

async function tree(dir: string): Promise<string[]> {
  // Imports run while the tree is walked: a report's temp folder renamed into place mid-walk is ENOENT.
  // Walk again; a folder cannot keep vanishing.
  for (let attempt = 1; ; attempt++) {
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 50) throw err;
    }
  }
}

const csv = (tag: string) => `Customer Code,Party Name,Pincode\nC-${tag},Abuse Test ${tag} Pvt Ltd,560001\n`;

async function post(body: Buffer, contentType: string, key: string | null = api.key) {
  return fetch(`${api.url}/imports`, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType, ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
  });
}

async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.message).not.toMatch(/\n\s+at /); // never a stack trace
  return body.error.code;
}

describe('upload abuse', () => {
  it('no key → 401, wrong key → 401 (and nothing is stored)', async () => {
    const { body, contentType } = rawMultipart([{ name: 'file', filename: 'a.csv', content: csv('k') }]);
    const none = await post(body, contentType, null);
    expect(none.status).toBe(401);
    expect(await errorCode(none)).toBe('UNAUTHORIZED');
    expect((await post(body, contentType, 'not-the-key')).status).toBe(401);
    expect((await fetch(`${api.url}/imports`)).status).toBe(401);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${api.url}/admin/queues`)).status).toBe(401);
    expect(await tree(api.uploadDir)).toEqual([]);
  });

  it('oversize → 413, and the partial file is removed', async () => {
    const big = Buffer.alloc(MAX * 3, 'a,b\n');
    const res = await api.upload(big, 'big.csv');
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('TOO_LARGE');
    expect(await tree(api.uploadDir)).toEqual([]);
  });

  it('wrong content → 415 whatever the name: a PNG, random bytes named .csv', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      randomBytes(2000),
    ]);
    for (const [content, name] of [
      [png, 'customers.csv'],
      [randomBytes(4096), 'export.csv'],
      [Buffer.from('%PDF-1.7\n...'), 'customers.xlsx'],
    ] as const) {
      const res = await api.upload(content, name);
      expect(res.status, name).toBe(415);
      expect(await errorCode(res)).toBe('UNSUPPORTED_FILE');
    }
    expect(await tree(api.uploadDir)).toEqual([]);
  });

  it('traversal, absolute, NUL and control-character names are stored only inside UPLOAD_DIR', async () => {
    const outside = join(tmpdir(), `cs-evil-${randomBytes(4).toString('hex')}.csv`);
    const names = [
      '../../etc/passwd.csv',
      'a\u0000b.csv',
      outside,
      'C:\\Windows\\evil.csv',
      '..\\..\\x.csv',
      'line\r\nbreak.csv',
      '..',
    ];
    const before = await tree(api.h.dir);
    for (const [i, filename] of names.entries()) {
      const { body, contentType } = rawMultipart([{ name: 'file', filename, content: csv(`t${i}`) }]);
      const res = await post(body, contentType);
      expect(res.status, JSON.stringify(filename)).toBe(202);
    }
    const after = await tree(api.h.dir);
    const added = after.filter((p) => !before.includes(p));
    const uploads = relative(api.h.dir, api.uploadDir);
    // Report folders appear as the imports run; everything else must be inside UPLOAD_DIR.
    expect(added.filter((p) => !p.startsWith(`${uploads}/`) && !p.startsWith('reports/'))).toEqual([]);
    const stored = await tree(api.uploadDir);
    expect(stored).toHaveLength(names.length);
    for (const name of stored) expect(name).toMatch(/^[0-9a-f]{16}-[A-Za-z0-9._-]+$/);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync('/etc/passwd.csv')).toBe(false);
  });

  it('malformed multipart → 400, never a crash', async () => {
    const cases: [Buffer, string][] = [
      [
        Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc'),
        'multipart/form-data; boundary=xyz',
      ],
      [Buffer.from('garbage without any boundary'), 'multipart/form-data; boundary=xyz'],
      [
        Buffer.from('--xyz\r\nNo-Disposition: x\r\n\r\nabc\r\n--xyz--\r\n'),
        'multipart/form-data; boundary=xyz',
      ],
      [Buffer.from('hello'), 'multipart/form-data'],
    ];
    for (const [body, type] of cases) {
      const res = await post(body, type);
      expect(res.status, body.toString()).toBe(400);
      await errorCode(res);
    }
    const noFile = rawMultipart([{ name: 'mode', content: 'upsert' }]);
    expect((await post(noFile.body, noFile.contentType)).status).toBe(400);
    const badMode = rawMultipart([
      { name: 'mode', content: 'delete-everything' },
      { name: 'file', filename: 'a.csv', content: csv('m') },
    ]);
    const res = await post(badMode.body, badMode.contentType);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('INVALID_REQUEST');
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });

  it('a burst of 50 concurrent requests (uploads, bad uploads, reads) → no crash, the server still answers', async () => {
    const requests = Array.from({ length: 50 }, (_, i) => {
      if (i % 3 === 0) return api.upload(csv(`burst${i}`), `burst-${i}.csv`);
      if (i % 3 === 1) return post(Buffer.from('--b\r\nbroken'), 'multipart/form-data; boundary=b');
      return api.call('/imports?limit=5');
    });
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 202)).toHaveLength(17);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect((await api.call('/imports?limit=1')).status).toBe(200);
  });
});
