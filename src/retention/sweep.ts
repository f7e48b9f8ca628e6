/**
 * Files with personal data are not kept for ever: uploads (and the watched folder's private copies) and
 * report folders older than FILE_RETENTION_DAYS are deleted, by every process that runs workers, at start
 * and hourly. The Redis state of an import expires after JOB_RETENTION_SEC, which the configuration keeps
 * no longer than the files, so a report link never outlives the report nor a report its import for long.
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';

const HOUR_MS = 3600 * 1000;

/** Deletes entries of `dirs` (one level, and one more inside `nested` sub-folders) last changed before the cutoff. */
export async function sweepOld(
  dirs: readonly string[],
  maxAgeMs: number,
  nowMs = Date.now(),
  nested: readonly string[] = ['watch'],
  only: RegExp = /./,
): Promise<string[]> {
  const removed: string[] = [];
  const cutoff = nowMs - maxAgeMs;
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(dir, name);
      const info = await lstat(path).catch(() => null);
      if (!info) continue;
      if (info.isDirectory() && nested.includes(name)) {
        removed.push(...(await sweepOld([path], maxAgeMs, nowMs, [])));
        continue;
      }
      if (info.mtimeMs >= cutoff || !only.test(name)) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  return removed;
}

/** Sweeps now and every hour until the returned stop function is called. */
export function startSweeper(
  dirs: { uploads: string; reports: string },
  maxAgeMs: number,
  logger: Logger,
): () => void {
  // REPORT_DIR may be a folder people keep other things in: only our import and validate folders go.
  const sweep = async () => [
    ...(await sweepOld([dirs.uploads], maxAgeMs)),
    ...(await sweepOld([dirs.reports], maxAgeMs, Date.now(), [], /^(imp-|validate-)/)),
  ];
  const run = () =>
    sweep().then(
      (removed) => {
        if (removed.length > 0)
          logger.info(
            { event: 'retention_swept', removed: removed.length },
            'old uploads and reports deleted',
          );
      },
      (err: unknown) =>
        logger.warn({ event: 'retention_sweep_failed', err: String(err) }, 'retention sweep failed'),
    );
  void run();
  const timer = setInterval(() => void run(), HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
