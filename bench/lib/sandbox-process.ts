/**
 * A sandbox in its own process (sandbox-child.ts), driven over its admin routes (`/__sandbox/*`): what
 * bench/sync's scenarios need of it, asynchronously. Like the tests' (test/enkash/helpers/
 * sandbox-process.ts, which also samples arrival times), it runs at a higher CPU priority where permitted
 * (test/helpers/priority.ts): it stands for EnKash's own machines, whose clock a CPU hog beside the
 * engine does not stall.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { RateStep } from '../../src/sandbox/rate-schedule.js';
import type { SandboxOptions, SandboxStats } from '../../src/sandbox/types.js';
import { raisePriority } from '../../test/helpers/priority.js';

export type RemoteSandbox = {
  url: string;
  pid: number | undefined;
  stats(): Promise<SandboxStats>;
  resetStats(): Promise<void>;
  scheduleRateLimit(steps: RateStep[]): Promise<void>;
  close(): Promise<void>;
};

export async function startSandboxProcess(options: Omit<SandboxOptions, 'port'>): Promise<RemoteSandbox> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./sandbox-child.ts', import.meta.url).pathname, JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.pid !== undefined) raisePriority(child.pid);
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sandbox process did not start')), 60_000);
    child.once('exit', (code) => reject(new Error(`sandbox process exited (${code})`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  const admin = async (path: string, body?: unknown) => {
    const res = await fetch(`${url}/__sandbox/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  return {
    url,
    pid: child.pid,
    stats: async () => (await admin('stats')) as SandboxStats,
    resetStats: async () => {
      await admin('stats/reset', {});
    },
    scheduleRateLimit: async (schedule) => {
      await admin('rate-limit', { schedule });
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
