/**
 * How much garbage V8 may let pile up. By default V8 lets the old generation grow to as much as 4× what
 * was live at the last full collection before collecting again; ingest allocates fast (a 200,000-row
 * workbook parses into millions of short-lived objects, some promoted), so a 20 MB live set became a
 * 100 MB heap and 200+ MB of RSS. `--heap-growing-percent` is read at every collection, so it can be set
 * once the process runs: at 50 the same workbook peaks near 160 MB, at the same speed (bench/ingest).
 * Unlike a heap cap (`--max-old-space-size`), it never makes a large but legitimate file fail.
 */
import { setFlagsFromString } from 'node:v8';
import { EnvSchema } from './config.js';

/** HEAP_GROWING_PERCENT from the environment; an invalid value is left to loadConfig to report. */
export function heapGrowingPercent(env: Record<string, string | undefined> = process.env): number {
  const parsed = EnvSchema.shape.HEAP_GROWING_PERCENT.safeParse(env.HEAP_GROWING_PERCENT);
  return parsed.success ? parsed.data : 50;
}

/** Applies the setting, unless node was started with its own `--heap-growing-percent`. */
export function tuneHeap(percent: number): void {
  const own = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) =>
    arg.includes('--heap-growing-percent'),
  );
  if (percent > 0 && !own) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
