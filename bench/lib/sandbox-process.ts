/**
 * A sandbox in its own process (sandbox-child.ts), driven over its admin routes (`/__sandbox/*`): what
 * bench/sync's scenarios need of it, asynchronously.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { RateStep } from '../../src/sandbox/rate-schedule.js';
import type { SandboxOptions, SandboxStats } from '../../src/sandbox/types.js';

export type RemoteSandbox = {
  url: string;
  pid: number | undefined;
  stats(): Promise<SandboxStats>;
  scheduleRateLimit(steps: RateStep[]): Promise<void>;
  close(): Promise<void>;
};

export async function startSandboxProcess(options: Omit<SandboxOptions, 'port'>): Promise<RemoteSandbox> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./sandbox-child.ts', import.meta.url).pathname, JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
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
