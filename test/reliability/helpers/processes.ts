/**
 * Process and Redis faults for the reliability scenarios 1, 4 and 5: worker processes started, killed and
 * timed; a `redis-server` of the test's own (AOF on) that can be shut down or killed and started again.
 * The figures they read afterwards come from ./imports.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
