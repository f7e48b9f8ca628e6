/**
 * Timing and memory measurement for reader benchmarks. Peak memory is measured in a fresh child process
 * per reader, so one reader's peak never hides in another's.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RowCounter } from './readers.js';

export type Timing = { rows: number; ms: number; rowsPerSec: number };

/** Best of `runs` (the first run also warms the page cache and the JIT). */
export async function timeRows(count: RowCounter, path: string, runs = 2): Promise<Timing> {
  let best: Timing | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const rows = await count(path);
    const ms = performance.now() - start;
    const timing = { rows, ms, rowsPerSec: rows / (ms / 1000) };
    if (!best || timing.ms < best.ms) best = timing;
  }
  if (!best) throw new Error('runs must be at least 1');
  return best;
}

/** A counter a child process can load: a module path and the name of its exported RowCounter. */
export type CounterRef = { module: string; name: string };

export type PeakMemory = { rows: number; maxRssMb: number; baselineRssMb: number };

const execFileAsync = promisify(execFile);
const CHILD = fileURLToPath(new URL('./rss-child.ts', import.meta.url));

/**
 * Runs `counter` on `path` in a new Node process and reports its peak RSS (getrusage maxrss), along with
 * the RSS the same process had before reading (Node, tsx and the imported modules).
 */
export async function peakRss(counter: CounterRef, path: string): Promise<PeakMemory> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', CHILD, counter.module, counter.name, path],
    { maxBuffer: 1024 * 1024 },
  );
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as PeakMemory;
}
