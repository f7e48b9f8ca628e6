/** Child process of peakRss(): `node --import tsx rss-child.ts MODULE EXPORT FILE` → one JSON line. */
import type { RowCounter } from './readers.js';

const [modulePath, exportName, file] = process.argv.slice(2);
if (!modulePath || !exportName || !file) throw new Error('usage: rss-child.ts MODULE EXPORT FILE');
const loaded = (await import(modulePath)) as Record<string, unknown>;
const counter = loaded[exportName] as RowCounter;
const mb = (kb: number) => Math.round(kb / 1024);
const baselineRssMb = Math.round(process.memoryUsage().rss / (1024 * 1024));
const rows = await counter(file);
console.log(JSON.stringify({ rows, maxRssMb: mb(process.resourceUsage().maxRSS), baselineRssMb }));
