/**
 * Scenario 15: a hostile watched folder. Whoever can write to inbox/ drops, at once: links to a private
 * (0600) file outside the folder, links to /etc/passwd and /dev/zero, FIFOs with a writer waiting on each
 * (two of them used to take both import slots of a worker), a hard link to the private file, and a claim
 * in processing/ whose name was swapped for a link after it was claimed; then, while a normal file is
 * being imported, its claimed name is swapped for a link to the private file. The promise: no byte of any
 * outside file is read (the private files' access times, set in the past, do not move under relatime; no
 * FIFO writer is ever let through; none of their values appears in a log line, Redis, a note, a report or
 * EnKash), every hostile entry ends in failed/ with a note, no import is left unfinished, and the next
 * normal file is imported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  link,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderWatcher } from '../../src/watch/folder-watcher.js';
import { eventually, startHarness, type Harness } from '../helpers/engine.js';
import { testRedis } from '../helpers/redis.js';
import {
  SYNTHETIC_HEADERS,
  syntheticCsv,
  syntheticCsvLine,
  syntheticCustomer,
} from '../helpers/synthetic-customers.js';
import { dumpPrefix, scan, type Haystack, type Needle } from './helpers/leak-scan.js';
import { PROFILE, recordScenario, sized } from './helpers/scenario.js';

const PER_KIND = sized(2, 5);
const NEXT_ROWS = sized(50, 1000);
const SEED = 15;
const TERMINAL = new Set(['done', 'failed', 'cancelled']);

let h: Harness | undefined;
let watcher: FolderWatcher | undefined;
const writers: ChildProcess[] = [];
afterAll(async () => {
  for (const w of writers) if (w.exitCode === null) w.kill('SIGKILL');
  await watcher?.close();
  await h?.close();
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

describe(`scenario 15 (${PROFILE}): hostile watched folder`, () => {
  it('reads no byte of an outside file, stalls no import, and imports the next file', async () => {
    const started = Date.now();
    h = await startHarness({ faults: { latencyMs: 20 } });
    const harness = h;
    const { app } = harness;

    // The private files: customers with personal data, 0600, outside the watched folder. Their access
    // time is set a day before their mtime: under relatime the first read of a byte moves it.
    const outside = join(harness.dir, 'outside');
    await mkdir(outside, { recursive: true, mode: 0o700 });
    const secrets: string[] = [];
    const needles: Needle[] = [];
    for (let i = 0; i < PER_KIND; i++) {
      const rows = Array.from({ length: 3 }, (_, r) => syntheticCustomer(10_000 + i * 10 + r, SEED));
      const path = join(outside, `private-${i}.csv`);
      await writeFile(path, [SYNTHETIC_HEADERS.join(','), ...rows.map(syntheticCsvLine)].join('\r\n'), {
        mode: 0o600,
      });
      secrets.push(path);
      for (const c of rows) {
        needles.push({ kind: 'mobile', value: c.mobile }, { kind: 'e-mail', value: c.email });
        needles.push({ kind: 'GSTIN', value: c.gstin }, { kind: 'account number', value: c.accountNumber });
        needles.push({ kind: 'customer code', value: c.code });
      }
    }
    const passwdLine = (await readFile('/etc/passwd', 'utf8')).split('\n')[0] ?? 'root:x:0:0';
    needles.push({ kind: '/etc/passwd', value: passwdLine });
    const past = new Date(Date.now() - 24 * 3600 * 1000);
    for (const s of secrets) await utimes(s, past, new Date());
    const atimes = await Promise.all(secrets.map(async (s) => (await stat(s)).atimeMs));

    const dir = join(harness.dir, 'watched');
    for (const sub of ['inbox', 'processing', 'done', 'failed'])
      await mkdir(join(dir, sub), { recursive: true });
    const inbox = join(dir, 'inbox');
    const hostile: string[] = [];
    for (let i = 0; i < PER_KIND; i++) {
      const secret = secrets[i] ?? '';
      await symlink(secret, join(inbox, `link-private-${i}.csv`));
      await symlink('/etc/passwd', join(inbox, `link-passwd-${i}.csv`));
      await symlink('/dev/zero', join(inbox, `link-zero-${i}.xlsx`));
      await link(secret, join(inbox, `hardlink-${i}.csv`));
      const fifo = join(inbox, `fifo-${i}.csv`);
      await new Promise<void>((resolve, reject) =>
        spawn('mkfifo', [fifo]).once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error('mkfifo')),
        ),
      );
      // A writer blocked until someone opens the FIFO for reading: it exits only if the watcher does.
      writers.push(spawn('sh', ['-c', `printf 'Customer Code\\nFIFO-LEAK-${i}\\n' > '${fifo}'`]));
      // A claim whose name was swapped for a link after the claim (the watcher resumes processing/).
      await symlink(secret, join(dir, 'processing', `20261206-000000-00000${i}__swapped-${i}.csv`));
      hostile.push(`link-private-${i}.csv`, `link-passwd-${i}.csv`, `link-zero-${i}.xlsx`);
      hostile.push(`hardlink-${i}.csv`, `fifo-${i}.csv`, `swapped-${i}.csv`);
    }

    watcher = new FolderWatcher(app, {
      dir,
      stableMs: 300,
      rescanMs: 500,
      requireMarker: false,
      importOptions: { mode: app.config.sync.mode, dryRun: false, matchKey: app.config.sync.matchKey },
    });
    await watcher.start();

    const failedNotes = await eventually(
      async () => {
        const names = await readdir(join(dir, 'failed'));
        const notes = hostile.map((n) => names.find((f) => f.endsWith(`__${n}.error.txt`)));
        return notes.every(Boolean) ? (notes as string[]) : undefined;
      },
      120_000,
      'a note in failed/ for every hostile entry',
    );

    // A normal file (with one invalid row, so its report re-reads it for errors.csv) whose claimed name
    // is swapped for a link to a private file while it is being imported.
    const victim = `${syntheticCsv(NEXT_ROWS, SEED, 1)}\r\nBAD-1,Bad Row Traders,123,not-an-email\r\n`;
    await writeFile(join(dir, 'victim.csv'), victim);
    harness.sandbox.setFaults({ latencyMs: 300 });
    await rename(join(dir, 'victim.csv'), join(inbox, 'victim.csv'));
    const claim = await eventually(
      async () => {
        const names = await readdir(join(dir, 'processing'));
        const sidecar = names.find((n) => n.endsWith('__victim.csv.claim.json'));
        if (!sidecar) return undefined;
        const text = await readFile(join(dir, 'processing', sidecar), 'utf8').catch(() => '');
        return text.includes('"importId"') ? sidecar.slice(0, -'.claim.json'.length) : undefined;
      },
      60_000,
      'victim.csv submitted',
      10,
    );
    await rm(join(dir, 'processing', claim), { force: true });
    await symlink(secrets[0] ?? '', join(dir, 'processing', claim));
    harness.sandbox.setFaults({ latencyMs: 20 });

    // The next normal file, dropped after all of it.
    await writeFile(join(dir, 'next.csv'), syntheticCsv(NEXT_ROWS, SEED, 5_000));
    await rename(join(dir, 'next.csv'), join(inbox, 'next.csv'));
    await eventually(
      async () => {
        const names = await readdir(join(dir, 'done'));
        return names.some((n) => n.endsWith('__next.csv')) && names.some((n) => n.endsWith('__victim.csv'))
          ? true
          : undefined;
      },
      300_000,
      'next.csv and victim.csv in done/',
    );
    const ids = await app.store.list(0, 1000);
    const metas = (await Promise.all(ids.map((id) => app.store.get(id)))).filter((m) => m !== null);
    const byName = (name: string) => metas.filter((m) => m.fileName === name);
    const next = byName('next.csv')[0];
    const victimMeta = byName('victim.csv')[0];
    const unfinished = metas.filter((m) => !TERMINAL.has(m.state)).length;
    const hostileImports = metas.filter((m) => hostile.includes(m.fileName)).length;

    // What was read: access times of the private files, FIFO writers let through.
    const atimesAfter = await Promise.all(secrets.map(async (s) => (await stat(s)).atimeMs));
    const outsideFilesRead = atimesAfter.filter((a, i) => a !== atimes[i]).length;
    const fifoWritersThrough = writers.filter((w) => w.exitCode !== null).length;

    // Where their values could have gone: logs, Redis, every regular file of the run but the private
    // files themselves, and EnKash.
    await watcher.close();
    watcher = undefined;
    const redis = testRedis(harness.env.REDIS_URL);
    const keys = await dumpPrefix(redis, harness.env.REDIS_PREFIX ?? '');
    await redis.quit();
    const files: Haystack[] = [];
    // The hard links moved to failed/ are the private files themselves under another name.
    const secretInodes = new Set(await Promise.all(secrets.map(async (s) => (await stat(s)).ino)));
    for (const f of await filesUnder(harness.dir)) {
      if (f.startsWith(`${outside}/`) || secretInodes.has((await stat(f)).ino)) continue;
      files.push({ where: `file ${relative(harness.dir, f)}`, text: await readFile(f, 'utf8') });
    }
    const logs: Haystack[] = harness.logs.map((text, i) => ({ where: `log #${i}`, text }));
    const enkash: Haystack[] = [{ where: 'EnKash', text: JSON.stringify(harness.sandbox.customers()) }];
    const hits = scan(
      [...logs, ...keys, ...files, ...enkash],
      [
        ...needles,
        ...Array.from({ length: PER_KIND }, (_, i) => ({ kind: 'FIFO content', value: `FIFO-LEAK-${i}` })),
      ],
    );
    for (const hit of hits.slice(0, 10)) console.log(`  LEAK ${hit.kind} in ${hit.where}: …${hit.excerpt}…`);
    const notesNamingReason = (
      await Promise.all(
        failedNotes.map(async (n) =>
          /link|not a regular file|names/.test(await readFile(join(dir, 'failed', n), 'utf8')),
        ),
      )
    ).filter(Boolean).length;

    recordScenario({
      id: 15,
      title: 'Hostile watched folder',
      promise:
        'Links (to a private file, /etc/passwd, /dev/zero), FIFOs, hard links and a name swapped after the claim: 0 bytes of outside files read, no import stalled, the next file imported',
      figures: {
        hostileEntries: hostile.length,
        failedWithNote: notesNamingReason,
        hostileImports,
        outsideFilesRead,
        fifoWritersThrough,
        leakHits: hits.length,
        unfinishedImports: unfinished,
        nextState: next?.state ?? 'missing',
        nextCreated: next?.counts.created ?? 0,
        victimState: victimMeta?.state ?? 'missing',
        victimCreated: victimMeta?.counts.created ?? 0,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      },
      summary:
        `${hostile.length} hostile entries (${PER_KIND} each of: link to a 0600 file, to /etc/passwd, to ` +
        `/dev/zero, FIFO with a waiting writer, hard link, name swapped after the claim): ` +
        `${notesNamingReason} in failed/ with a note, ${hostileImports} imports, ${outsideFilesRead} outside ` +
        `files read, ${fifoWritersThrough} FIFO writers let through, ${hits.length} leaks; ` +
        `${unfinished} imports unfinished; a file swapped for a link mid-import finished from its private ` +
        `copy (${victimMeta?.counts.created ?? 0} created) and the next file was imported ` +
        `(${next?.counts.created ?? 0}/${NEXT_ROWS} created)`,
    });
    expect(notesNamingReason).toBe(hostile.length);
    expect(hostileImports).toBe(0);
    expect(outsideFilesRead).toBe(0);
    expect(fifoWritersThrough).toBe(0);
    expect(hits).toEqual([]);
    expect(unfinished).toBe(0);
    expect(next?.state).toBe('done');
    expect(next?.counts.created).toBe(NEXT_ROWS);
    expect(victimMeta?.state).toBe('done');
    expect(victimMeta?.counts.created).toBe(NEXT_ROWS);
  });
});
