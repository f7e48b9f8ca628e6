/**
 * Reader benchmark: our CSV and XLSX readers against the raw libraries they wrap, on a generated customer
 * master, plus each reader's peak memory in a fresh process. Run: `npx tsx bench/ingest.ts [csvRows]
 * [xlsxRows]` (defaults 1,000,000 and 200,000). Prints a markdown table.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCustomerCsv, writeCustomerXlsx } from './lib/generate.js';
import { peakRss, timeRows, type CounterRef, type PeakMemory, type Timing } from './lib/measure.js';
import { countRawExceljs, countRawPapaparse, countRowSource, type RowCounter } from './lib/readers.js';

const csvRows = Number(process.argv[2] ?? 1_000_000);
const xlsxRows = Number(process.argv[3] ?? 200_000);
const READERS = fileURLToPath(new URL('./lib/readers.ts', import.meta.url));
const ref = (name: string): CounterRef => ({ module: READERS, name });

type Line = {
  what: string;
  baseline: Timing;
  ours: Timing;
  target: number;
  memory: PeakMemory;
  rawMemory: PeakMemory;
};

async function compare(
  path: string,
  raw: RowCounter,
  rawName: string,
  target: number,
  what: string,
): Promise<Line> {
  // Interleaved so that neither side always runs on a colder cache.
  const baseline = await timeRows(raw, path);
  const ours = await timeRows(countRowSource, path);
  const memory = await peakRss(ref('countRowSource'), path);
  const rawMemory = await peakRss(ref(rawName), path);
  return { what, baseline, ours, target, memory, rawMemory };
}

function table(lines: Line[]): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const out = [
    '| file | rows read | raw library rows/s | our reader rows/s | ratio (target) | our peak RSS | raw peak RSS | process baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const l of lines) {
    const ratio = l.ours.rowsPerSec / l.baseline.rowsPerSec;
    out.push(
      `| ${l.what} | ${n(l.ours.rows)} | ${n(l.baseline.rowsPerSec)} | ${n(l.ours.rowsPerSec)} | ` +
        `${ratio.toFixed(2)}× (≥ ${l.target}×) ${ratio >= l.target ? 'ok' : 'MISSED'} | ${l.memory.maxRssMb} MB | ` +
        `${l.rawMemory.maxRssMb} MB | ${l.memory.baselineRssMb} MB |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'customer-sync-bench-'));
  try {
    const csv = join(dir, 'customers.csv');
    const xlsx = join(dir, 'customers.xlsx');
    let t = performance.now();
    await writeCustomerCsv(csv, csvRows);
    console.error(`generated ${csv}: ${mb((await stat(csv)).size)} in ${s(t)}`);
    t = performance.now();
    await writeCustomerXlsx(xlsx, xlsxRows);
    console.error(`generated ${xlsx}: ${mb((await stat(xlsx)).size)} in ${s(t)}`);

    const lines = [
      await compare(
        csv,
        countRawPapaparse,
        'countRawPapaparse',
        0.6,
        `CSV, ${csvRows.toLocaleString('en-US')} rows × 12`,
      ),
      await compare(
        xlsx,
        countRawExceljs,
        'countRawExceljs',
        0.8,
        `XLSX, ${xlsxRows.toLocaleString('en-US')} rows × 12`,
      ),
    ];
    console.log(table(lines));
    console.log(
      `\nNode ${process.version}; best of 2 runs; peak RSS = getrusage maxrss of a fresh process per reader.`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;
const s = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

await main();
