/**
 * A real `serve` for tests: the engine harness (sandbox over HTTP, Redis under a random prefix, local
 * workers) plus the API server listening on a random port, with one API key.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApiServer, type ApiServerOptions } from '../../src/api/server.js';
import { REPO_ROOT, eventually, startHarness, type Harness } from '../helpers/engine.js';
import type { SandboxFaults } from '../../src/sandbox/types.js';
import type { ApiKey } from '../../src/domain/api-keys.js';

export type ApiHarness = {
  h: Harness;
  server: FastifyInstance;
  url: string;
  key: string;
  uploadDir: string;
  /** fetch with the API key. */
  call(path: string, init?: RequestInit): Promise<Response>;
  upload(content: Buffer | string, name: string, fields?: Record<string, string>): Promise<Response>;
  /** Polls the import until it has ended; returns its view. */
  waitDone(id: string, timeoutMs?: number): Promise<ImportViewJson>;
  close(): Promise<void>;
};

export type ImportViewJson = {
  id: string;
  state: string;
  fileName: string;
  counts: Record<string, number>;
  progress: { parsed: number; total: number | null; done: number };
  options: { retryOf?: string; onlyRowCount?: number; dryRun: boolean; mode: string };
  reportReady: boolean;
  error?: string;
  links: Record<string, string>;
};

export const fixture = (path: string) => readFile(join(REPO_ROOT, path));

export async function startApi(
  opts: {
    env?: Record<string, string>;
    faults?: Partial<SandboxFaults>;
    server?: ApiServerOptions;
    uploadSubdir?: string;
  } = {},
): Promise<ApiHarness> {
  const h = await startHarness({
    env: { LOG_LEVEL: 'warn', ...opts.env },
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  const key = randomBytes(16).toString('hex');
  const uploadDir = join(h.dir, opts.uploadSubdir ?? 'uploads');
  const server = await buildApiServer(h.app, { apiKeys: [key], uploadDir, ...opts.server });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });
  return {
    h,
    server,
    url,
    key,
    uploadDir,
    call,
    upload(content, name, fields = {}) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('file', new Blob([content]), name);
      return call('/imports', { method: 'POST', body: form });
    },
    async waitDone(id, timeoutMs = 30_000) {
      return eventually(
        async () => {
          const view = (await (await call(`/imports/${id}`)).json()) as ImportViewJson;
          return ['done', 'failed', 'cancelled'].includes(view.state) ? view : undefined;
        },
        timeoutMs,
        `import ${id} to end`,
      );
    },
    async close() {
      // A test's requests are all answered by now; a connection undici keeps half-open must not hold
      // the close for Node's 60 s headers timeout.
      const closing = server.close();
      server.server.closeAllConnections();
      await closing;
      await h.close();
    },
  };
}

/** A multipart body built byte by byte, so tests control exactly what the server receives. */
export function rawMultipart(
  parts: { name: string; filename?: string; content: Buffer | string; type?: string }[],
  boundary = `----cs${randomBytes(8).toString('hex')}`,
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition =
      `Content-Disposition: form-data; name="${p.name}"` +
      (p.filename !== undefined ? `; filename="${p.filename}"` : '');
    const head =
      `--${boundary}\r\n${disposition}\r\n` + (p.type ? `Content-Type: ${p.type}\r\n` : '') + '\r\n';
    chunks.push(Buffer.from(head, 'utf8'), Buffer.from(p.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Parses a CSV report (UTF-8 BOM, CRLF) into header + rows, enough for assertions. */
export function csvLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '');
}

/** One key per role, two uploaders: `keys` by holder, `apiKeys` for startApi's `server.apiKeys`. */
export function roleKeys() {
  const secret = () => randomBytes(16).toString('hex');
  const keys = { admin: secret(), viewer: secret(), alice: secret(), bob: secret() };
  const apiKeys: ApiKey[] = [
    { name: 'ops', role: 'admin', key: keys.admin },
    { name: 'auditor', role: 'viewer', key: keys.viewer },
    { name: 'alice', role: 'uploader', key: keys.alice },
    { name: 'bob', role: 'uploader', key: keys.bob },
  ];
  return { keys, apiKeys };
}

/** fetch as the holder of `key`. */
export function callAs(api: Pick<ApiHarness, 'url'>, key: string, path: string, init: RequestInit = {}) {
  return fetch(`${api.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...init.headers },
  });
}

/** Uploads as the holder of `key`; expects the 202 and answers the import's id. */
export async function uploadAs(
  api: Pick<ApiHarness, 'url'>,
  key: string,
  content: Buffer | string,
  name: string,
  fields: Record<string, string> = {},
): Promise<string> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([content]), name);
  const res = await callAs(api, key, '/imports', { method: 'POST', body: form });
  if (res.status !== 202) throw new Error(`upload of ${name}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { importId: string }).importId;
}
