/**
 * Outbound calls against real local servers: a nightly URL source whose server redirects elsewhere, and
 * the alert webhook. Loopback stands in for "a private address" (it is one), so the same servers show both
 * the refusal (default) and what is allowed with OUTBOUND_ALLOW_PRIVATE=true.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../../src/schedule/alert.js';
import { isPrivateAddress } from '../../src/schedule/outbound.js';
import { download } from '../../src/schedule/source.js';
import { createLoggerTo } from '../../src/logger.js';
import { Writable } from 'node:stream';

type Seen = { path: string; headers: IncomingHttpHeaders };

async function serve(handler: (path: string, res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    req.resume();
    handler(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { seen, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let dir: string;
let other: Awaited<ReturnType<typeof serve>>;
let origin: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cs-outbound-'));
  // "Another host": a second server (another origin: another port).
  other = await serve((_path, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n'));
  origin = await serve((path, res) => {
    if (path === '/same') return res.writeHead(302, { location: '/file.csv' }).end();
    if (path === '/away')
      return res.writeHead(302, { location: `http://localhost:${other.port}/x.csv` }).end();
    return res.writeHead(200, { 'content-type': 'text/csv' }).end('Code,Name\nC1,Acme\n');
  });
});
afterAll(async () => {
  await other?.close();
  await origin?.close();
  await rm(dir, { recursive: true, force: true });
});

const source = (path: string) => ({
  url: `http://127.0.0.1:${origin.port}${path}`,
  headers: { 'X-Api-Key': 'erp-secret-123456' },
  timeoutMs: 5_000,
  maxBytes: 1024 * 1024,
});

describe('outbound calls', () => {
  it('classifies private, loopback and link-local addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.9',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses a private destination unless configuration allows it; nothing reaches the server', async () => {
    const before = origin.seen.length;
    await expect(download(source('/file.csv'), dir, false)).rejects.toThrow(
      /private, loopback or link-local/,
    );
    expect(origin.seen.length).toBe(before);
    const file = await download(source('/file.csv'), dir, true);
    expect(await readFile(file.path, 'utf8')).toContain('C1,Acme');
  });

  it('follows a same-origin redirect with the headers, and drops them for another origin', async () => {
    await download(source('/same'), dir, true);
    const same = origin.seen.filter((s) => s.path === '/file.csv').at(-1);
    expect(same?.headers['x-api-key']).toBe('erp-secret-123456');

    await download(source('/away'), dir, true);
    const away = other.seen.at(-1);
    expect(away?.path).toBe('/x.csv');
    expect(away?.headers['x-api-key']).toBeUndefined();
  });

  it('refuses plain http and private receivers for the webhook by default', async () => {
    const lines: string[] = [];
    const logger = createLoggerTo(
      new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const before = origin.seen.length;
    await raiseAlert(
      logger,
      { url: `http://127.0.0.1:${origin.port}/hook`, allowPrivate: false },
      {
        kind: 'run-failed',
        job: 'j',
        message: 'failed',
      },
    );
    expect(origin.seen.length).toBe(before);
    expect(lines.join('')).toContain('alert_webhook_failed');
    await raiseAlert(
      logger,
      { url: `http://127.0.0.1:${origin.port}/hook`, allowPrivate: true },
      {
        kind: 'run-failed',
        job: 'j',
        message: 'failed',
      },
    );
    expect(origin.seen.at(-1)?.path).toBe('/hook');
  });
});
