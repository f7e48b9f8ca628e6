/** Starts test/enkash/helpers/sandbox-server.ts in its own Node process and talks to it over stdio. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { raisePriority } from '../../helpers/priority.js';
import type { SandboxOptions, SandboxStats } from '../../../src/sandbox/index.js';

const SCRIPT = fileURLToPath(new URL('./sandbox-server.ts', import.meta.url));

export type SandboxReport = { stats: SandboxStats; reached: number[] };

export type SandboxProcess = {
  url: string;
  report(): Promise<SandboxReport>;
  resetStats(): Promise<void>;
  close(): Promise<void>;
};

export async function startSandboxProcess(
  options: Omit<SandboxOptions, 'credentials'>,
): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // What EnKash saw is measured by this process: see test/helpers/priority.ts.
  if (child.pid !== undefined) raisePriority(child.pid);
  const exited = once(child, 'exit');
  const died = exited.then(([code]) => Promise.reject(new Error(`sandbox process exited (code ${code})`)));
  died.catch(() => undefined);
  // One command at a time, answered in order.
  const pending: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => pending.shift()?.(line));
  const next = () => Promise.race([new Promise<string>((resolve) => pending.push(resolve)), died]);
  const ask = async (command: string) => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return JSON.parse(await answer) as unknown;
  };
  const { url } = JSON.parse(await next()) as { url: string };
  return {
    url,
    report: async () => (await ask('report')) as SandboxReport,
    resetStats: async () => void (await ask('reset')),
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
