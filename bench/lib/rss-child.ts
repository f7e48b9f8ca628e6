/** Child process of peakRss(): `node --import tsx rss-child.ts MODULE EXPORT FILE` → one JSON line. */
import { readFileSync } from 'node:fs';
import type { RowCounter } from './readers.js';

const [modulePath, exportName, file] = process.argv.slice(2);
if (!modulePath || !exportName || !file) throw new Error('usage: rss-child.ts MODULE EXPORT FILE');

/**
 * Peak RSS of this process image. On Linux getrusage's maxrss survives exec and starts at the parent's RSS
 * at fork time, so a big parent would set every child's floor; VmHWM belongs to this image alone.
 */
function peakRssMb(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Math.round(Number(match[1]) / 1024);
  } catch {
    // Not Linux: fall through to getrusage.
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const loaded = (await import(modulePath)) as Record<string, unknown>;
const counter = loaded[exportName] as RowCounter;
const baselineRssMb = Math.round(process.memoryUsage().rss / (1024 * 1024));
const rows = await counter(file);
console.log(JSON.stringify({ rows, maxRssMb: peakRssMb(), baselineRssMb }));
