/**
 * A pass-through HTTP proxy in front of the sandbox that notes when each request ARRIVES, to the
 * millisecond: the sandbox counts requests but keeps no timestamps, and "nothing before Retry-After" is a
 * statement about arrival times. Not for rate measurements: its own forwarding (a second hop, in the
 * test's process) adds jitter beyond the limiter's margin, so the sandbox behind it sees bunched requests.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Arrival = { method: string; path: string; atMs: number };

export async function startRecordingProxy(target: string) {
  const arrivals: Arrival[] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    arrivals.push({ method: req.method ?? '', path: req.url ?? '', atMs: Date.now() });
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
