// Peak memory of the ingest pipeline as deployed: compiled JavaScript from dist/ (npm run build), no tsx
// loader in the process. `node [--max-old-space-size=N] bench/lib/rss-dist.mjs reader|pipeline FILE`
// prints one JSON line: { rows, maxRssMb, baselineRssMb }.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [mode, file] = process.argv.slice(2);
const dist = new URL('../../dist/', import.meta.url);
const baselineRssMb = Math.round(process.memoryUsage().rss / 1048576);
// What the CLI does first (src/cli/main.ts): the heap setting every deployed command runs with.
const { heapGrowingPercent, tuneHeap } = await import(new URL('memory.js', dist).href);
tuneHeap(heapGrowingPercent());
let rows = 0;
if (mode === 'pipeline') {
  const { ingestFile } = await import(new URL('ingest/ingest-file.js', dist).href);
  const ingested = await ingestFile(file, { fileName: basename(file), matchKey: 'uniqueRefNo' });
  for await (const _ of ingested.events()) rows++;
} else {
  const { openRowSource } = await import(new URL('ingest/read/open-file.js', dist).href);
  for await (const _ of (await openRowSource(file)).rows()) rows++;
}
const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
console.log(JSON.stringify({ rows, maxRssMb: Math.round(Number(hwm?.[1] ?? 0) / 1024), baselineRssMb }));
