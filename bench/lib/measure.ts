/**
 * Timing and memory measurement for reader benchmarks. Peak memory is measured in a fresh child process
 * per reader, so one reader's peak never hides in another's.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RowCounter } from './readers.js';

/** Wall-clock and CPU time (user + system, all threads: GC included) of one full read. */
export type Timing = { rows: number; wallMs: number; cpuMs: number };

export async function timeOnce(count: RowCounter, path: string): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const rows = await count(path);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rows, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export type Comparison = { baseline: Timing; candidate: Timing };

/**
 * Runs baseline and candidate alternately `runs` times and keeps each one's best wall and best CPU time:
 * alternating spreads a noisy neighbour's load over both, and the first runs also warm the page cache.
 */
export async function compareRows(
  baseline: RowCounter,
  candidate: RowCounter,
  path: string,
  runs = 3,
): Promise<Comparison> {
  const best = (a: Timing | undefined, b: Timing): Timing =>
    a ? { rows: b.rows, wallMs: Math.min(a.wallMs, b.wallMs), cpuMs: Math.min(a.cpuMs, b.cpuMs) } : b;
  let base: Timing | undefined;
  let cand: Timing | undefined;
  for (let i = 0; i < runs; i++) {
    base = best(base, await timeOnce(baseline, path));
    cand = best(cand, await timeOnce(candidate, path));
  }
  if (!base || !cand) throw new Error('runs must be at least 1');
  return { baseline: base, candidate: cand };
}

export const rowsPerSec = (t: Timing, clock: 'wall' | 'cpu' = 'wall'): number =>
  t.rows / ((clock === 'wall' ? t.wallMs : t.cpuMs) / 1000);

/** A counter a child process can load: a module path and the name of its exported RowCounter. */
export type CounterRef = { module: string; name: string };

export type PeakMemory = { rows: number; maxRssMb: number; baselineRssMb: number };

const execFileAsync = promisify(execFile);
const CHILD = fileURLToPath(new URL('./rss-child.ts', import.meta.url));

/**
 * Runs `counter` on `path` in a new Node process (with `nodeFlags`, e.g. a heap cap) and reports its peak
 * RSS (VmHWM on Linux, else getrusage maxrss) and the RSS it had before reading: Node, tsx and the imported modules.
 */
export async function peakRss(
  counter: CounterRef,
  path: string,
  nodeFlags: string[] = [],
): Promise<PeakMemory> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', CHILD, counter.module, counter.name, path],
    { maxBuffer: 1024 * 1024 },
  );
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as PeakMemory;
}
