/**
 * Where a run's file comes from: the newest file matching a glob in a folder, or an HTTP(S) download
 * (timeout, size cap) saved under STATE_DIR so the import (and a later approval) can read it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UserError } from '../domain/errors.js';
import type { FolderSource, UrlSource } from './job-definition.js';

export type SourceFile = { path: string; name: string; mtimeMs: number };

/** `*` and `?` within one name; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export async function newestInFolder(source: FolderSource): Promise<SourceFile | null> {
  const re = globToRegExp(source.glob);
  let names: string[];
  try {
    names = await readdir(source.folder);
  } catch {
    throw new UserError(
      `source folder ${source.folder} cannot be read: check the path in the job definition`,
    );
  }
  let newest: SourceFile | null = null;
  for (const name of names) {
    if (name.startsWith('.') || !re.test(name)) continue;
    const info = await stat(join(source.folder, name)).catch(() => null);
    if (!info?.isFile()) continue;
    if (!newest || info.mtimeMs > newest.mtimeMs)
      newest = { path: join(source.folder, name), name, mtimeMs: info.mtimeMs };
  }
  return newest;
}

export async function download(source: UrlSource, dir: string): Promise<SourceFile> {
  await mkdir(dir, { recursive: true });
  const url = new URL(source.url);
  const name = `download-${Date.now()}${extname(url.pathname).slice(0, 8)}`;
  const path = join(dir, name);
  const signal = AbortSignal.timeout(source.timeoutMs);
  const response = await fetch(url, { headers: source.headers ?? {}, signal, redirect: 'follow' });
  // The URL may carry a token in its query: messages name the host and path only.
  const where = `${url.origin}${url.pathname}`;
  if (!response.ok || !response.body) throw new Error(`${where} answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > source.maxBytes)
    throw new Error(`${where} is ${declared} bytes; the cap is ${source.maxBytes}`);
  let seen = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(
        seen > source.maxBytes
          ? new Error(`${where} is larger than the cap of ${source.maxBytes} bytes`)
          : null,
        chunk,
      );
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), cap, createWriteStream(path));
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  await pruneDownloads(dir, 5);
  return { path, name, mtimeMs: Date.now() };
}

/** Keeps the newest `keep` downloads: enough for a held run's approval and a look at recent exports. */
async function pruneDownloads(dir: string, keep: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('download-')).sort();
  for (const name of names.slice(0, Math.max(0, names.length - keep)))
    await rm(join(dir, name), { force: true });
}
