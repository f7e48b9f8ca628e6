/**
 * A tiny real HTTP server for one test: it records every request (with its arrival time) and answers
 * with whatever the test's handler decides. Used where the sandbox cannot produce a case on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StubRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  atMs: number;
};

export type StubHandler = (request: StubRequest, response: ServerResponse) => void | Promise<void>;

export type HttpStub = { url: string; requests: StubRequest[]; close(): Promise<void> };

export async function startStub(handler: StubHandler): Promise<HttpStub> {
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    const atMs = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const request: StubRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs,
      };
      requests.push(request);
      void Promise.resolve(handler(request, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function envelope(payload: unknown) {
  return { errorResponse: null, payload, response_code: 0, response_message: 'SUCCESS' };
}

export function errorEnvelope(errorType: string, message: string, extra: Record<string, unknown> = {}) {
  return {
    errorResponse: { errorType, errorMessage: message, requestId: 'stub-req-1', apiSubErrors: [], ...extra },
    payload: null,
    response_code: 1,
    response_message: message,
  };
}

/** Answers the token endpoint with a token named after the count so far, in the camelCase spelling. */
export function tokenAnswer(res: ServerResponse, n: number, expiresIn = 3600) {
  json(res, 200, { accessToken: `tok-${n}`, tokenType: 'bearer', expiresIn });
}

export const CUSTOMER = { customerId: 'KCABCDEFGHIJ1234', legalName: 'Acme Traders', active: true };
