/**
 * Where a run's file comes from: the newest file matching a glob in a folder, or an HTTP(S) download
 * (timeout, size cap) saved under STATE_DIR so the import (and a later approval) can read it.
 */
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { UserError } from '../domain/errors.js';
import { DEFAULT_READ_LIMITS } from '../ingest/read/limits.js';
import { privateCopy } from '../ingest/read/private-copy.js';
import { OutboundRefused, outboundFetch } from './outbound.js';
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

/**
 * The newest file matching the glob, in a folder inside one of `roots` (JOB_SOURCE_ROOTS): a job
 * definition cannot make the scheduler read any folder the service account can. Links are not followed
 * (lstat), and only regular files count.
 */
export async function newestInFolder(
  source: FolderSource,
  roots: readonly string[],
): Promise<SourceFile | null> {
  const re = globToRegExp(source.glob);
  const folder = await insideRoots(source.folder, roots);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    throw new UserError(
      `source folder ${source.folder} cannot be read: check the path in the job definition`,
    );
  }
  let newest: SourceFile | null = null;
  for (const name of names) {
    if (name.startsWith('.') || !re.test(name)) continue;
    const info = await lstat(join(folder, name)).catch(() => null);
    if (!info?.isFile()) continue;
    if (!newest || info.mtimeMs > newest.mtimeMs)
      newest = { path: join(folder, name), name, mtimeMs: info.mtimeMs };
  }
  return newest;
}

/** The folder's real path when it lies inside one of the roots (links in the path resolved first). */
async function insideRoots(folder: string, roots: readonly string[]): Promise<string> {
  const real = await realpath(folder).catch(() => {
    throw new UserError(`source folder ${folder} cannot be read: check the path in the job definition`);
  });
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => null);
    if (
      realRoot &&
      (real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))
    )
      return real;
  }
  throw new UserError(
    `source folder ${folder} is outside JOB_SOURCE_ROOTS (${roots.join(', ')}): ` +
      'add the folder where the ERP drops its exports to JOB_SOURCE_ROOTS',
  );
}

/**
 * A private copy of a folder source's file, made through one safely opened handle (private-copy.ts), so the
 * dry run, the import and its report all read the bytes that were there when the run started.
 */
export async function copyFromFolder(file: SourceFile, dir: string): Promise<SourceFile> {
  const path = join(dir, `download-${Date.now()}-copy${extname(file.name).slice(0, 8)}`);
  await privateCopy(file.path, path, file.name, {
    singleLink: true,
    maxBytes: DEFAULT_READ_LIMITS.maxFileBytes,
  });
  await pruneDownloads(dir, 5);
  return { ...file, path };
}

export async function download(source: UrlSource, dir: string, allowPrivate: boolean): Promise<SourceFile> {
  await mkdir(dir, { recursive: true });
  const url = new URL(source.url);
  const name = `download-${Date.now()}${extname(url.pathname).slice(0, 8)}`;
  const path = join(dir, name);
  const signal = AbortSignal.timeout(source.timeoutMs);
  // The URL may carry a token in its query: messages name the host and path only.
  const where = `${url.origin}${url.pathname}`;
  // https unless the job's own URL says http; redirects and private addresses as outbound.ts allows.
  const response = await outboundFetch(
    url,
    { headers: source.headers ?? {}, signal },
    { allowPrivate, allowHttp: url.protocol === 'http:' },
  ).catch((err: unknown) => {
    if (err instanceof OutboundRefused) throw new UserError(`${where}: ${err.message}`);
    throw err;
  });
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
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream),
      cap,
      createWriteStream(path, { mode: 0o600 }),
    );
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
