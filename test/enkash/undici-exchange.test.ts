import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { exchangeOnce, NotWritten } from '../../src/enkash/undici-exchange.js';

let server: Server | undefined;
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

async function countingServer(): Promise<{ url: string; seen: () => number }> {
  let seen = 0;
  server = createServer((req, res) => {
    seen += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen: () => seen };
}

describe('exchangeOnce', () => {
  it('asks beforeWrite once the socket is connected, and sends when it agrees', async () => {
    const { url, seen } = await countingServer();
    pool = new Pool(url, { connections: 1 });
    let asked = 0;
    const answer = await exchangeOnce(
      pool,
      { method: 'GET', path: '/a', headers: {} },
      { signal: AbortSignal.timeout(5_000), beforeWrite: () => ++asked > 0 },
    );
    expect([answer.status, JSON.parse(answer.text), asked, seen()]).toEqual([200, { path: '/a' }, 1, 1]);
  });

  it('withdraws the request unwritten when beforeWrite refuses: NotWritten, and nothing reaches the server', async () => {
    const { url, seen } = await countingServer();
    pool = new Pool(url, { connections: 1 });
    const refused = exchangeOnce(
      pool,
      { method: 'POST', path: '/create', headers: {}, body: '{}' },
      { signal: AbortSignal.timeout(5_000), beforeWrite: () => false },
    );
    await expect(refused).rejects.toBeInstanceOf(NotWritten);
    // The pool still works afterwards, and the server saw only this second request.
    const answer = await exchangeOnce(
      pool,
      { method: 'GET', path: '/b', headers: {} },
      { signal: AbortSignal.timeout(5_000), beforeWrite: () => true },
    );
    expect([answer.status, seen()]).toEqual([200, 1]);
  });

  it('aborts a request past its timeoutMs with a TimeoutError, and says so through onTimeout', async () => {
    server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
    let timedOut = 0;
    const caller = new AbortController();
    const slow = exchangeOnce(
      pool,
      { method: 'GET', path: '/slow', headers: {} },
      { signal: caller.signal, timeoutMs: 50, onTimeout: () => (timedOut += 1), beforeWrite: () => true },
    );
    await expect(slow).rejects.toMatchObject({ name: 'TimeoutError' });
    caller.abort(new Error('late')); // after the timeout: changes nothing
    expect(timedOut).toBe(1);
  });

  it("rejects with the caller's abort reason before the timeout, without onTimeout", async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
    let timedOut = 0;
    const caller = new AbortController();
    const call = exchangeOnce(
      pool,
      { method: 'GET', path: '/slow', headers: {} },
      { signal: caller.signal, timeoutMs: 200, onTimeout: () => (timedOut += 1), beforeWrite: () => true },
    );
    const reason = new Error('stop');
    setTimeout(() => caller.abort(reason), 20);
    await expect(call).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(timedOut).toBe(0);
  });
});
