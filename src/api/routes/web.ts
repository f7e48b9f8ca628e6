/**
 * The finance staff's page: every .html, .js and .css file in src/web, read once at start and served
 * from memory (no build step, no CDN). The page itself holds no data; it asks for the API key and calls
 * the API. index.html is served at /; the page's ES modules and style sheets at /<file>; /fields.js is
 * made here from the one list of fields the mapping accepts, so the review screen offers exactly those.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { OVERRIDE_FIELDS } from '../../ingest/columns/reading-overrides.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

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

/** The page's files by URL path: index.html at /, every other .js/.css file under its own name. */
async function webAssets(dir: string): Promise<Map<string, { file: string; type: string }>> {
  const assets = new Map<string, { file: string; type: string }>();
  for (const file of (await readdir(dir)).sort()) {
    const ext = file.slice(file.lastIndexOf('.'));
    const type = TYPES[ext];
    if (!type || !/^[\w.-]+$/.test(file)) continue;
    if (ext === '.html' && file !== 'index.html') continue;
    assets.set(file === 'index.html' ? '/' : `/${file}`, { file, type });
  }
  return assets;
}

/** The fields `PUT /imports/{id}/mapping` accepts, as an ES module for the review screen's dropdowns. */
const FIELDS_MODULE = `export const FIELDS = ${JSON.stringify(OVERRIDE_FIELDS)};\n`;

export const webRoutes: FastifyPluginAsync = async (server) => {
  const dir = webDir();
  const bodies = new Map<string, { body: Buffer | string; type: string }>();
  for (const [path, asset] of await webAssets(dir))
    bodies.set(path, { body: await readFile(`${dir}${asset.file}`), type: asset.type });
  bodies.set('/fields.js', { body: FIELDS_MODULE, type: TYPES['.js'] ?? '' });
  for (const [path, asset] of bodies) {
    const { body } = asset;
    server.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-type', asset.type)
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-cache')
        .send(body),
    );
  }
};
