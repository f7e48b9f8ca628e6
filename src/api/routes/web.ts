/**
 * The finance staff's page: three small files read from src/web once at start and served from memory
 * (no build step, no CDN). The page itself holds no data; it asks for the API key and calls the API.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

const ASSETS = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
} as const;

// Everything the page loads comes from here: no inline script, no external resource.
const CSP =
  "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** src/web beside src/api when run from source; the same folder from dist/ (tsc does not copy it). */
function webDir(): string {
  const candidates = ['../../web/', '../../../src/web/'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  const found = candidates.find((dir) => existsSync(`${dir}index.html`));
  if (!found) throw new Error(`the web page files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

export const webRoutes: FastifyPluginAsync = async (server) => {
  const dir = webDir();
  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = await readFile(`${dir}${asset.file}`);
    server.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-type', asset.type)
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-cache')
        .send(body),
    );
  }
};
