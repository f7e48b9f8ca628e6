/**
 * Scenario 12 — upload abuse on the HTTP API. A real `customer-sync serve` child process (API_KEYS set,
 * UPLOAD_DIR / REPORT_DIR / STATE_DIR inside one temp root) is hit with missing and wrong keys, oversize
 * bodies, wrong file types, traversal / NUL / control-character file names, malformed multipart, report
 * downloads with traversal ids, and a burst of concurrent mixed requests. Promises: no crash (the
 * process never exits, no 5xx, no reset connection), nothing written outside storage, and the server
 * still answers — and still imports — afterwards.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/engine.js';
import { rawMultipart, type ImportViewJson } from '../api/helpers.js';
import { alive, fileTree, rawHttp, spawnServe, type ServeProcess } from './helpers/hostile.js';
import { PROFILE, recordScenario, sized } from './helpers/scenario.js';

const MAX = 64 * 1024;
const BURST = sized(200, 1000);

let h: Harness;
let serve: ServeProcess;
let root: string;
let storage: { uploads: string; reports: string; state: string };
const key = randomBytes(16).toString('hex');

beforeAll(async () => {
  // The harness gives the sandbox and a Redis prefix; the API itself is the child process below.
  h = await startHarness({ localWorker: false, env: { LOG_LEVEL: 'warn' } });
  root = await mkdtemp(join(tmpdir(), 'cs-abuse-'));
  // Storage two levels below the root, so `../../x` from UPLOAD_DIR still lands inside what we list.
  storage = {
    uploads: join(root, 'srv/data/uploads'),
    reports: join(root, 'srv/data/reports'),
    state: join(root, 'srv/data/state'),
  };
  for (const d of Object.values(storage)) await mkdir(d, { recursive: true });
  serve = await spawnServe({
    ...h.env,
    API_KEYS: `${key},second-key-${randomBytes(8).toString('hex')}`,
    UPLOAD_DIR: storage.uploads,
    REPORT_DIR: storage.reports,
    STATE_DIR: storage.state,
    UPLOAD_MAX_BYTES: String(MAX),
    LOG_LEVEL: 'warn',
  });
});

afterAll(async () => {
  await serve?.stop();
  await h?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

type Sent = { label: string; status: number | 'reset' | string };

/** One request; a connection error is an outcome, not an exception. */
async function send(label: string, path: string, init: RequestInit = {}): Promise<Sent & { body: string }> {
  try {
    const res = await fetch(`${serve.url}${path}`, init);
    return { label, status: res.status, body: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { label, status: `error ${cause?.code ?? cause?.message ?? String(err)}`, body: '' };
  }
}

const auth = (k: string | null = key): Record<string, string> =>
  k === null ? {} : { authorization: `Bearer ${k}` };

function postMultipart(label: string, body: Buffer, contentType: string, k: string | null = key) {
  return send(label, '/imports', {
    method: 'POST',
    body,
    headers: { 'content-type': contentType, ...auth(k) },
  });
}

let uploadSeq = 0;
const csv = (tag: string) =>
  `Customer Code,Party Name,Contact Person,Mobile,Pincode\r\nAB-${tag},Abuse Test ${tag} Pvt Ltd,Ravi Kumar,9876543210,560001\r\n`;

function upload(label: string, content: Buffer | string, filename: string, k: string | null = key) {
  const { body, contentType } = rawMultipart([{ name: 'file', filename, content }]);
  return postMultipart(label, body, contentType, k);
}

const goodUpload = (label: string) => {
  uploadSeq += 1;
  return upload(label, csv(`${uploadSeq}-${randomBytes(3).toString('hex')}`), `customers-${uploadSeq}.csv`);
};

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d', 'hex'), randomBytes(2000)]);
const WRONG_TYPES: [string, Buffer][] = [
  ['customers.csv', PNG],
  ['export.csv', randomBytes(4096)],
  ['customers.xlsx', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n', 'latin1')],
  ['tool.csv', Buffer.concat([Buffer.from('7f454c46020101', 'hex'), randomBytes(1000)])],
  ['setup.xlsx', Buffer.concat([Buffer.from('MZ'), randomBytes(1000)])],
  ['old.xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), randomBytes(4096)])],
];

/** The hostile names, and the base name a careless server would have written (to search for later). */
function hostileNames(outsideTmp: string): { name: string; base: string }[] {
  return [
    { name: '../../etc/passwd.csv', base: 'passwd.csv' },
    { name: '../../../x-up3.csv', base: 'x-up3.csv' },
    { name: `../../../../../../../../..${outsideTmp}`, base: basename(outsideTmp) },
    { name: outsideTmp, base: basename(outsideTmp) },
    { name: join(root, 'abs-evil.csv'), base: 'abs-evil.csv' },
    { name: 'a\u0000b.csv', base: 'a' },
    { name: 'nul\u0000../../../nul-evil.csv', base: 'nul-evil.csv' },
    { name: 'C:\\Windows\\win-evil.csv', base: 'win-evil.csv' },
    { name: '..\\..\\back-evil.csv', base: 'back-evil.csv' },
    { name: 'line\r\nbreak.csv', base: 'break.csv' },
    { name: '..', base: '..' },
    { name: '.', base: '.' },
    { name: '/', base: '/' },
    { name: '....//....//dots-evil.csv', base: 'dots-evil.csv' },
    { name: '..%2F..%2Fencoded-evil.csv', base: 'encoded-evil.csv' },
    { name: '..\uff0f..\uff0ffullwidth-evil.csv', base: 'fullwidth-evil.csv' },
    { name: '.htaccess', base: '.htaccess' },
    { name: `${'a'.repeat(5000)}.csv`, base: `${'a'.repeat(5000)}.csv` },
    { name: '\u202ecsv.exe', base: '\u202ecsv.exe' },
    { name: 'CON', base: 'CON' },
    { name: '<img src=x onerror=alert(1)>.csv', base: '<img src=x onerror=alert(1)>.csv' },
  ];
}

/** A multipart body whose file name comes in RFC 5987 form (`filename*=`), which busboy decodes. */
function extendedNameMultipart(encodedName: string, content: string): { body: Buffer; contentType: string } {
  const boundary = `----cs${randomBytes(6).toString('hex')}`;
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodedName}\r\n` +
    `Content-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return { body: Buffer.from(body, 'utf8'), contentType: `multipart/form-data; boundary=${boundary}` };
}

function malformed(): [string, Buffer, string][] {
  const b = 'xyz';
  const type = `multipart/form-data; boundary=${b}`;
  return [
    [
      'truncated body',
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc`),
      type,
    ],
    ['no boundary in body', Buffer.from('garbage without any boundary'), type],
    ['no disposition', Buffer.from(`--${b}\r\nNo-Disposition: x\r\n\r\nabc\r\n--${b}--\r\n`), type],
    ['no boundary parameter', Buffer.from('hello'), 'multipart/form-data'],
    ['empty boundary', Buffer.from('--\r\n\r\n'), 'multipart/form-data; boundary='],
    ['json instead of multipart', Buffer.from('{"file":"x"}'), 'application/json'],
    ['text instead of multipart', Buffer.from('Customer Code\nC-1\n'), 'text/csv'],
    ['empty body', Buffer.alloc(0), type],
    [
      'header without end',
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"`),
      type,
    ],
    [
      'huge header line',
      Buffer.from(`--${b}\r\nX-Pad: ${'p'.repeat(200_000)}\r\n\r\nabc\r\n--${b}--\r\n`),
      type,
    ],
    [
      '2,000 fields',
      Buffer.from(
        Array.from(
          { length: 2000 },
          (_, i) => `--${b}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`,
        ).join('') + `--${b}--\r\n`,
      ),
      type,
    ],
    [
      'two files',
      rawMultipart([
        { name: 'file', filename: 'a.csv', content: csv('two-a') },
        { name: 'file2', filename: 'b.csv', content: csv('two-b') },
      ]).body,
      '',
    ],
    [
      '__proto__ and constructor fields',
      rawMultipart([
        { name: '__proto__', content: '{"polluted":true}' },
        { name: 'constructor', content: 'x' },
        { name: 'file', filename: 'proto.csv', content: csv('proto') },
      ]).body,
      '',
    ],
    [
      'bad mode',
      rawMultipart([
        { name: 'mode', content: 'delete-everything' },
        { name: 'file', filename: 'm.csv', content: csv('m') },
      ]).body,
      '',
    ],
    [
      'mapping that pollutes Object.prototype',
      rawMultipart([
        {
          name: 'mapping',
          filename: 'm.json',
          content:
            '{"__proto__":{"polluted":true},"columns":{"constructor":{"prototype":{"polluted":true}}}}',
        },
        { name: 'file', filename: 'pm.csv', content: csv('pm') },
      ]).body,
      '',
    ],
    [
      'mapping of 2 MB',
      rawMultipart([
        { name: 'mapping', filename: 'm.json', content: `{"description":"${'d'.repeat(2 * 1024 * 1024)}"}` },
        { name: 'file', filename: 'big-mapping.csv', content: csv('bm') },
      ]).body,
      '',
    ],
    ['no file part', rawMultipart([{ name: 'mode', content: 'upsert' }]).body, ''],
    ['empty file', rawMultipart([{ name: 'file', filename: 'empty.csv', content: '' }]).body, ''],
  ];
}

/** rawMultipart picks its own boundary: re-read it from the body for the cases that use it. */
function boundaryOf(body: Buffer): string {
  return `multipart/form-data; boundary=${/^--([^\r\n]+)/.exec(body.toString('latin1'))![1]}`;
}

/** The error message of a JSON error answer, for the table of outcomes. */
function errorText(r: Sent & { body?: string }): string {
  try {
    return ((JSON.parse(r.body ?? '') as { error?: { message?: string } }).error?.message ?? '').slice(0, 90);
  } catch {
    return (r.body ?? '').slice(0, 60);
  }
}

const isCrash = (s: Sent) => typeof s.status !== 'number' || s.status >= 500;

describe('scenario 12: upload abuse on a real serve process', () => {
  it('never crashes, writes nothing outside storage, answers and imports afterwards', async () => {
    const before = await fileTree(root);
    const sent: Sent[] = [];
    const outsideTmp = join(tmpdir(), `cs-evil-${randomBytes(4).toString('hex')}.csv`);
    const names = hostileNames(outsideTmp);

    // Keys.
    const { body: okBody, contentType: okType } = rawMultipart([
      { name: 'file', filename: 'k.csv', content: csv('key') },
    ]);
    for (const [label, k] of [
      ['no key', null],
      ['wrong key', 'not-the-key'],
      ['empty key', ''],
      ['key with a suffix', `${key}x`],
      ['key prefix', key.slice(0, 8)],
    ] as const) {
      const r = await postMultipart(label, okBody, okType, k);
      sent.push(r);
      expect(r.status, label).toBe(401);
    }
    for (const path of ['/imports', '/metrics', '/admin/queues', '/imports/imp-x/results.csv']) {
      const r = await send(`GET ${path} without key`, path);
      sent.push(r);
      expect(r.status, path).toBe(401);
    }
    const basic = await send('basic auth', '/imports', {
      headers: { authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` },
    });
    sent.push(basic);
    expect(basic.status).toBe(401);

    // Oversize: just over, 3x, and 20 MB (refused by its length before it is read).
    for (const size of [MAX + 1, MAX * 3, 20 * 1024 * 1024]) {
      const r = await upload(`oversize ${size}`, Buffer.alloc(size, 'a,b\n'), 'big.csv');
      sent.push(r);
      expect(r.status, `oversize ${size}`).toBe(413);
    }
    // Oversize without a content-length (chunked): refused while it streams.
    const chunked = await send('oversize chunked', '/imports', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'multipart/form-data; boundary=ch' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(
            new TextEncoder().encode(
              '--ch\r\nContent-Disposition: form-data; name="file"; filename="c.csv"\r\n\r\n',
            ),
          );
          controller.enqueue(new Uint8Array(MAX * 4).fill(97));
          controller.enqueue(new TextEncoder().encode('\r\n--ch--\r\n'));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    sent.push(chunked);
    expect(chunked.status).toBe(413);

    // Wrong content, whatever the name.
    for (const [name, content] of WRONG_TYPES) {
      const r = await upload(`wrong type ${name}`, content, name);
      sent.push(r);
      expect(r.status, name).toBe(415);
    }

    // Hostile names: stored (or refused) only inside UPLOAD_DIR.
    for (const [i, { name }] of names.entries()) {
      const r = await upload(`name ${JSON.stringify(name.slice(0, 40))}`, csv(`name${i}`), name);
      sent.push(r);
      expect([202, 200, 400], JSON.stringify(name.slice(0, 60))).toContain(r.status);
    }
    for (const encoded of [
      '..%2F..%2F..%2Fstar-evil.csv',
      '%2Fetc%2Fstar-abs.csv',
      'nul%00..%2F..%2Fstar-nul.csv',
    ]) {
      const { body, contentType } = extendedNameMultipart(encoded, csv(`star-${encoded.length}`));
      const r = await postMultipart(`filename* ${encoded}`, body, contentType);
      sent.push(r);
      expect([202, 200, 400], encoded).toContain(r.status);
    }

    // Malformed multipart.
    for (const [label, body, type] of malformed()) {
      const r = await postMultipart(label, body, type || boundaryOf(body));
      sent.push(r);
      expect(r.status, `${label}: ${r.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(r.status, label).toBeLessThan(500);
      expect(r.body, label).not.toMatch(/\n\s+at |\.(ts|js):\d+/);
    }

    // Report downloads and import ids that try to walk out.
    for (const path of [
      '/imports/..%2F..%2F..%2Fetc%2Fpasswd/results.csv',
      '/imports/../../etc/passwd',
      '/imports/imp-x/..%2F..%2Fstate%2Fdata.key',
      '/imports/imp-x/results.csv%00.txt',
      '/imports/%00/summary.json',
      `/imports/${'a'.repeat(10_000)}`,
    ]) {
      const r = await send(`GET ${path.slice(0, 50)}`, path, { headers: auth() });
      sent.push(r);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect(r.body).not.toMatch(/root:|BEGIN|data\.key/);
    }
    // Raw connections: clients that hang up mid-upload, broken HTTP framing, oversized headers.
    const raw: { label: string; status: number | null; outcome: string }[] = [];
    const host = new URL(serve.url).host;
    const uploadRequest = (tag: string) => {
      const { body, contentType } = rawMultipart([
        { name: 'file', filename: `hangup-${tag}.csv`, content: csv(tag).repeat(1) + 'x,'.repeat(25_000) },
      ]);
      const head =
        `POST /imports HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${key}\r\n` +
        `Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`;
      return Buffer.concat([Buffer.from(head, 'latin1'), body]);
    };
    for (let i = 0; i < 10; i++) {
      const request = uploadRequest(`h${i}`);
      const r = await rawHttp(serve.url, request, {
        hangUpAfterBytes: Math.floor(request.length * (0.3 + i / 20)),
      });
      raw.push({ label: `hang up mid-upload ${i}`, ...r });
    }
    const framing: [string, string][] = [
      [
        'bad chunk size',
        `POST /imports HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${key}\r\nContent-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
      ],
      [
        'content-length and chunked',
        `POST /imports HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${key}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`,
      ],
      [
        'negative content-length',
        `POST /imports HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${key}\r\nContent-Length: -1\r\n\r\n`,
      ],
      [
        '64 KB header',
        `GET /imports HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${key}\r\nX-Pad: ${'p'.repeat(65_536)}\r\n\r\n`,
      ],
      ['garbage request line', '\u0000\u0001 GARBAGE \u00ff\r\n\r\n'],
      [
        'NUL in the path',
        `GET /imports/imp-\u0000/results.csv HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${key}\r\n\r\n`,
      ],
      ['HTTP/1.0 without Host', 'GET /healthz HTTP/1.0\r\n\r\n'],
    ];
    for (const [label, text] of framing) {
      raw.push({ label, ...(await rawHttp(serve.url, Buffer.from(text, 'latin1'))) });
    }
    console.table(raw);
    expect(raw.filter((r) => r.status !== null && r.status >= 500)).toEqual([]);
    expect(alive(serve.child), 'serve exited during the sequential cases').toBe(true);

    console.table(
      sent.map((r) => ({ request: r.label.slice(0, 50), status: r.status, answer: errorText(r) })),
    );

    // The burst: concurrent, mixed.
    const burstStart = performance.now();
    const kinds = [
      (i: number) => goodUpload(`burst good ${i}`),
      (i: number) => upload(`burst no key ${i}`, csv(`nk${i}`), 'nk.csv', null),
      (i: number) =>
        postMultipart(
          `burst malformed ${i}`,
          Buffer.from('--b\r\nbroken'),
          'multipart/form-data; boundary=b',
        ),
      (i: number) => upload(`burst oversize ${i}`, Buffer.alloc(MAX * 2, 'x'), 'big.csv'),
      (i: number) => upload(`burst wrong type ${i}`, PNG, 'p.csv'),
      (i: number) => upload(`burst traversal ${i}`, csv(`bt${i}`), `../../../burst-evil-${i}.csv`),
      (i: number) => send(`burst list ${i}`, '/imports?limit=5', { headers: auth() }),
      (i: number) => send(`burst healthz ${i}`, '/healthz'),
      (i: number) => send(`burst report ${i}`, '/imports/imp-nope/results.csv', { headers: auth() }),
      (i: number) => send(`burst wrong key ${i}`, '/metrics', { headers: auth('nope') }),
    ];
    const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => kinds[i % kinds.length]!(i)));
    const burstMs = Math.round(performance.now() - burstStart);
    sent.push(...burst);
    const burstStatuses: Record<string, number> = {};
    for (const r of burst) burstStatuses[String(r.status)] = (burstStatuses[String(r.status)] ?? 0) + 1;

    // Still alive, still answering, still importing.
    const survived = alive(serve.child);
    const health = await send('healthz after', '/healthz');
    const final = await goodUpload('final good upload');
    expect(final.status, final.body).toBe(202);
    const { importId } = JSON.parse(final.body) as { importId: string };
    const view = await eventually(
      async () => {
        const r = await fetch(`${serve.url}/imports/${importId}`, { headers: auth() });
        const v = (await r.json()) as ImportViewJson;
        return ['done', 'failed', 'cancelled'].includes(v.state) ? v : undefined;
      },
      60_000,
      'the final import',
    );

    // What was written, and where.
    const after = await fileTree(root);
    const rel = (p: string) => p.slice(root.length + 1);
    const inside = Object.values(storage).map((d) => `${rel(d)}/`);
    const added = [...after.keys()].filter((p) => !before.has(p));
    const outside = added.filter((p) => !inside.some((d) => p.startsWith(d)));
    const hostileBases = new Set([
      ...names.map((n) => n.base),
      'star-evil.csv',
      'star-abs.csv',
      'star-nul.csv',
    ]);
    const hostileNamed = [...after.keys()].filter((p) => {
      const base = basename(p);
      return hostileBases.has(base) || /^burst-evil-\d+\.csv$/.test(base);
    });
    const stored = await readdir(storage.uploads);
    // Every upload stored is one accepted (a refused, duplicate or abandoned upload leaves nothing behind).
    const accepted = [...sent, final].filter(
      (r) =>
        r.status === 202 &&
        !(JSON.parse((r as { body?: string }).body ?? '{}') as { duplicate?: boolean }).duplicate,
    ).length;
    const orphans = stored.length - accepted;
    const oddStored = stored.filter((n) => !/^[0-9a-f]{16}-[A-Za-z0-9._-]+$/.test(n));
    const escaped = [
      outsideTmp,
      '/etc/passwd.csv',
      join(tmpdir(), 'x-up3.csv'),
      join(root, '..', 'x-up3.csv'),
      ...Array.from({ length: BURST }, (_, i) => join(root, '..', `burst-evil-${i}.csv`)),
    ].filter((p) => existsSync(p));

    const serverLog = serve.output.join('');
    const stackTraces = (serverLog.match(/\bat .*\.(ts|js):\d+:\d+/g) ?? []).length;
    if (stackTraces > 0 || process.env.SHOW_SERVE_LOG) console.log(serverLog.slice(0, 5000));
    const crashes = sent.filter(isCrash);
    const serverExited = survived ? 0 : 1;
    const crashCount = crashes.length + serverExited;
    const filesOutside = outside.length + hostileNamed.length + escaped.length;
    if (crashes.length > 0) console.log('crashes:', crashes.slice(0, 20));
    if (filesOutside > 0) console.log('outside storage:', { outside, hostileNamed, escaped });
    console.log('burst statuses', burstStatuses, `${burstMs} ms`);

    recordScenario({
      id: 12,
      title: 'Upload abuse on the HTTP API',
      promise:
        'A real serve process hit with bad keys, oversize, wrong types, hostile names, malformed multipart and a burst: no crash, nothing written outside storage, still answering',
      figures: {
        requests: sent.length,
        burstConcurrent: BURST,
        burstSeconds: +(burstMs / 1000).toFixed(1),
        burstStatuses: JSON.stringify(burstStatuses),
        crashes: crashCount,
        responses5xx: sent.filter((s) => typeof s.status === 'number' && s.status >= 500).length,
        connectionErrors: sent.filter((s) => typeof s.status !== 'number').length,
        serverExited: serverExited,
        stackTracesInServerLog: stackTraces,
        rawConnections: raw.length,
        orphanUploads: orphans,
        filesOutsideStorage: filesOutside,
        storedUploadsWithUnsafeNames: oddStored.length,
        healthzAfter: health.status,
        finalImport: view.state,
        profile: PROFILE,
      },
      summary:
        `${sent.length} hostile or concurrent requests (burst of ${BURST}) and ${raw.length} raw connections: ${crashCount} crashes, ` +
        `${filesOutside} files outside storage, ${orphans} left behind; /healthz ${health.status} after, and the next upload imported (${view.state})`,
    });

    expect(crashes).toEqual([]);
    expect(survived).toBe(true);
    expect(stackTraces).toBe(0);
    expect(outside).toEqual([]);
    expect(hostileNamed).toEqual([]);
    expect(escaped).toEqual([]);
    expect(oddStored).toEqual([]);
    expect(orphans, `${stored.length} stored, ${accepted} accepted`).toBe(0);
    expect(health.status).toBe(200);
    expect(view.state).toBe('done');
    expect((view.counts.created ?? 0) + (view.counts.updated ?? 0) + (view.counts.unchanged ?? 0)).toBe(1);
  }, 600_000);
});
