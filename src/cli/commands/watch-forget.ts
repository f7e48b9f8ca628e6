/**
 * `customer-sync watch forget FILE|HASH`: takes one file's content out of the watched folder's ledger, so
 * the same bytes dropped again are imported again instead of refused as a duplicate. The ledger is per
 * folder (`--dir`, default WATCH_DIR); a FILE is hashed as the watcher hashes it (SHA-256 of its bytes),
 * and a bare name is also looked for in the folder's done/, failed/ and inbox/.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { UserError } from '../../domain/errors.js';
import { pathExists } from '../../domain/path-exists.js';
import { openRedis } from '../../queue/redis-connection.js';
import { layoutOf } from '../../watch/folders.js';
import { WatchLedger } from '../../watch/ledger.js';
import { stderrLogger } from '../runtime.js';

const HASH = /^[0-9a-f]{64}$/i;

export function registerWatchForget(watch: Command): void {
  watch
    .command('forget')
    .description('Forget a file the watched folder has seen, so the same content can be imported again')
    .argument('<file-or-hash>', 'the file (or its name in done/, failed/, inbox/), or its SHA-256')
    .option('--dir <dir>', 'the watched folder (default: WATCH_DIR)')
    .action(async (target: string, flags: { dir?: string }) => {
      process.exitCode = await forget(target, flags.dir);
    });
}

async function forget(target: string, dirFlag: string | undefined): Promise<number> {
  const config = loadConfig();
  const dir = dirFlag ?? config.watch.dir;
  if (!dir) throw new UserError('name the watched folder: --dir DIR, or set WATCH_DIR');
  const layout = layoutOf(resolve(dir));
  const hash = await hashOf(target, layout);
  const redis = await openRedis(config.redis.url, { wait: 'fail-fast', logger: stderrLogger(config) });
  try {
    const ledger = new WatchLedger(redis, config.redis.prefix, layout.root);
    const entry = await ledger.get(hash);
    if (!entry) {
      console.log(`${hash}: not in the ledger of ${layout.root}; nothing to forget`);
      return 1;
    }
    const what = `${entry.claimName}${entry.importId ? `, import ${entry.importId}` : ''}`;
    if (entry.state === 'importing') {
      throw new UserError(
        `${hash} (${what}) is being imported now; forget it once it is in done/ or failed/`,
      );
    }
    await ledger.forget(hash);
    console.log(`forgot ${hash} (${what}); the same content dropped in ${layout.inbox} is imported again`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

async function hashOf(target: string, layout: ReturnType<typeof layoutOf>): Promise<string> {
  const candidates = [
    resolve(target),
    ...[layout.done, layout.failed, layout.inbox].map((d) => join(d, target)),
  ];
  for (const path of candidates) {
    if (await pathExists(path)) return sha256(path);
  }
  if (HASH.test(target)) return target.toLowerCase();
  throw new UserError(
    `${target}: no such file (looked here and in ${layout.root}'s done/, failed/ and inbox/), nor a SHA-256`,
  );
}

function sha256(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', (err) => fail(new UserError(`${path}: cannot be read (${err.message})`)))
      .on('end', () => done(hash.digest('hex')));
  });
}
