/**
 * Process and Redis faults for the reliability scenarios 1, 4 and 5: worker processes started, killed and
 * timed; a `redis-server` of the test's own (AOF on) that can be shut down or killed and started again;
 * and the figures every such scenario reads afterwards (customers per key, the report's lines).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { ImportMeta } from '../../../src/queue/import-store.js';
import type { Sandbox } from '../../../src/sandbox/types.js';
import type { Harness } from '../../helpers/engine.js';

/** Starts `n` real `customer-sync worker` processes and waits until each takes work. */
export async function startWorkers(
  h: Harness,
  n: number,
  env: Record<string, string> = {},
): Promise<ChildProcess[]> {
  const children = Array.from({ length: n }, () => h.spawnWorker(env));
  // Generous: several processes compiling TypeScript at once on a loaded 2-core machine.
  await Promise.all(children.map((c) => h.workerReady(c, 90_000)));
  return children;
}

/** When the process exits (epoch ms), with its code or signal. */
export function exited(
  child: ChildProcess,
): Promise<{ at: number; code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ at: Date.now(), code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ at: Date.now(), code, signal }));
  });
}

/** Create requests the sandbox has received (whatever their answer). */
export function createsSeen(sandbox: Sandbox): number {
  return Object.values(sandbox.stats().requests.create ?? {}).reduce((a, b) => a + b, 0);
}

/** Polls `check` every `everyMs` until it is true; returns the epoch ms it became true. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  label: string,
  everyMs = 50,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export type CustomerCounts = {
  /** Customers in the sandbox. */
  customers: number;
  /** Distinct uniqueRefNo among them. */
  keys: number;
  /** Customers beyond the first for any uniqueRefNo (must be 0). */
  duplicates: number;
  /** Expected keys with no customer. */
  missing: number;
  /** The keys with more than one customer (the first 20), to trace a failure. */
  duplicateKeys: string[];
};

/** Customers per uniqueRefNo in the sandbox, against the keys the input file holds. */
export function customerCounts(sandbox: Sandbox, expectedKeys: readonly string[]): CustomerCounts {
  const perKey = new Map<string, number>();
  for (const c of sandbox.customers()) {
    const key = c.uniqueRefNo ?? '';
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  const duplicateKeys: string[] = [];
  for (const [key, n] of perKey) {
    duplicates += Math.max(0, n - 1);
    if (n > 1 && duplicateKeys.length < 20) duplicateKeys.push(key);
  }
  const missing = expectedKeys.filter((k) => !perKey.has(k)).length;
  return { customers: sandbox.customers().length, keys: perKey.size, duplicates, missing, duplicateKeys };
}

export type ReportLine = { row: string; uniqueRefNo: string; outcome: string; errors: string };

/** The lines of the import's results.csv (the report the user downloads). */
export async function reportLines(meta: ImportMeta): Promise<ReportLine[]> {
  if (!meta.reportDir) throw new Error(`import ${meta.id} has no report (${meta.state})`);
  const text = (await readFile(join(meta.reportDir, 'results.csv'), 'utf8')).replace(/^\uFEFF/, '');
  return Papa.parse<ReportLine>(text, { header: true, skipEmptyLines: true }).data;
}

export type ReportCheck = {
  /** Lines in results.csv. */
  lines: number;
  /** Input rows with no line, or whose customer is missing in the sandbox (must be 0). */
  rowsLost: number;
  /** Rows with more than one line (must be 0). */
  rowsRepeated: number;
  /** Lines by outcome. */
  outcomes: Record<string, number>;
};

/**
 * Compares the report with the input: row numbers 2..rows+1 (a header line, then one customer per line,
 * as syntheticCsv writes them) each with exactly one line, and each created or updated row's customer
 * present in the sandbox.
 */
export function checkReport(lines: ReportLine[], rows: number, sandbox: Sandbox): ReportCheck {
  const seen = new Map<number, ReportLine[]>();
  for (const line of lines) {
    const n = Number(line.row);
    seen.set(n, [...(seen.get(n) ?? []), line]);
  }
  const inSandbox = new Set(sandbox.customers().map((c) => c.uniqueRefNo));
  let rowsLost = 0;
  let rowsRepeated = 0;
  for (let row = 2; row <= rows + 1; row++) {
    const got = seen.get(row) ?? [];
    if (got.length > 1) rowsRepeated += 1;
    const first = got[0];
    if (!first || !inSandbox.has(first.uniqueRefNo)) rowsLost += 1;
  }
  const outcomes: Record<string, number> = {};
  for (const line of lines) outcomes[line.outcome] = (outcomes[line.outcome] ?? 0) + 1;
  return { lines: lines.length, rowsLost, rowsRepeated, outcomes };
}

/** The uniqueRefNo syntheticCsv(rows, seed) gives its customers. */
export function syntheticKeys(rows: number): string[] {
  return Array.from({ length: rows }, (_, i) => `CUST-${String(i + 1).padStart(6, '0')}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A `redis-server` of the test's own, on a free port, with every write in the AOF (fsync always) and no
 * RDB snapshots: what survives a restart is what the AOF holds. `shutdown()` is Redis's own SHUTDOWN
 * (AOF flushed); `kill9()` leaves it to the AOF reload. `start()` brings it back on the same port and dir.
 */
export class OwnRedis {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), await mkdtemp(join(tmpdir(), 'cs-redis-')));
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the server (again) and resolves once it accepts connections (AOF loaded). */
  async start(): Promise<void> {
    if (this.child) throw new Error('redis-server already running');
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const output: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start: ${output.join('')}`)),
        30_000,
      );
      child.stdout?.on('data', (d: Buffer) => {
        output.push(d.toString('utf8'));
        if (output.join('').includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${output.join('')}`));
      });
    });
    child.stdout?.removeAllListeners('data');
    child.stdout?.resume();
    child.removeAllListeners('exit');
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
  }

  /** SHUTDOWN (the graceful stop: AOF flushed), then waits for the process to exit. */
  async shutdown(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = exited(child);
    await new Promise<void>((resolve) => {
      const cli = spawn('redis-cli', ['-p', String(this.port), 'SHUTDOWN'], { stdio: 'ignore' });
      cli.once('exit', () => resolve());
      cli.once('error', () => resolve());
    });
    await gone;
    this.child = null;
  }

  /** kill -9: no goodbye, the next start reloads the AOF. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = exited(child);
    child.kill('SIGKILL');
    await gone;
    this.child = null;
  }

  /** Stops the server (if running) and removes its dir. */
  async close(): Promise<void> {
    await this.kill9();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Seconds with one decimal, for figures. */
export function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
