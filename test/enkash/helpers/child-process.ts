/** Starts test/enkash/helpers/child-client.ts in its own Node process (`node --import tsx`). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type ChildResult = { id: number; ok: number; errors: Record<string, number> };

export type ChildClient = {
  run(command: { op: 'search' | 'activate'; count: number; customerId?: string }): Promise<ChildResult>;
  close(): Promise<void>;
};

const SCRIPT = fileURLToPath(new URL('./child-client.ts', import.meta.url));

export async function startChildClient(args: {
  baseUrl: string;
  prefix: string;
  config?: object;
}): Promise<ChildClient> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map<number | 'ready', (result: ChildResult) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as ChildResult & { ready?: boolean };
    const key = message.ready ? 'ready' : message.id;
    waiting.get(key)?.(message);
    waiting.delete(key);
  });
  const exited = once(child, 'exit');
  // A child that dies fails whatever is waiting on it at once, instead of hanging the test.
  const died = exited.then(([code]) => Promise.reject(new Error(`child client exited (code ${code})`)));
  died.catch(() => undefined);
  const ready = new Promise((resolve) => waiting.set('ready', resolve));
  await Promise.race([ready, died]);
  let nextId = 1;
  return {
    run(command) {
      const id = nextId++;
      const result = new Promise<ChildResult>((resolve) => waiting.set(id, resolve));
      child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
      return Promise.race([result, died]);
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
