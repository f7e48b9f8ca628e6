/**
 * Ingest benchmark: on the same generated customer master, in one run, the raw libraries (papaparse,
 * exceljs's streaming reader) beside our readers and beside the whole ingest pipeline (read, columns,
 * normalise, validate, duplicates), plus each one's peak memory in a fresh process.
 * Run: `npx tsx bench/ingest.ts [csvRows] [xlsxRows]` (defaults 1,000,000 and 200,000). Prints a table.
 * Targets (issue 3): pipeline CSV ≥ 0.3× raw papaparse, XLSX ≥ 0.6× raw exceljs, peak RSS ≤ 200 MB.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCustomerCsv, writeCustomerXlsx } from './lib/generate.js';
import {
  compareRows,
  peakRss,
  rowsPerSec,
  type Comparison,
  type CounterRef,
  type PeakMemory,
} from './lib/measure.js';
import { countIngest } from './lib/pipeline.js';
import { countRawExceljs, countRawPapaparse, countRowSource, type RowCounter } from './lib/readers.js';

const csvRows = Number(process.argv[2] ?? 1_000_000);
const xlsxRows = Number(process.argv[3] ?? 200_000);
const READERS = fileURLToPath(new URL('./lib/readers.ts', import.meta.url));
const PIPELINE = fileURLToPath(new URL('./lib/pipeline.ts', import.meta.url));
const ref = (name: string): CounterRef => ({ module: name === 'countIngest' ? PIPELINE : READERS, name });
const COUNTERS: Record<string, RowCounter> = { countRowSource, countIngest };
/**
 * A heap cap such as a worker could run with (NODE_OPTIONS): without one V8 lets garbage grow to several
 * times the live set. 160 MB holds the 200,000-row workbook's shared-string table with room to spare.
 */
const HEAP_CAP = ['--max-old-space-size=160'];
/** As deployed: compiled JS (dist/), no tsx loader; uncapped and with the cap README recommends. */
const DIST_CHILD = fileURLToPath(new URL('./lib/rss-dist.mjs', import.meta.url));
const DEPLOYED_CAP = '--max-old-space-size=128';

/**
 * Peak RSS depends on when V8 chooses to collect, so one run is one sample: the deployed figure is the
 * median and the highest of DEPLOYED_RUNS fresh processes.
 */
const DEPLOYED_RUNS = 5;

function deployedPeak(mode: 'reader' | 'pipeline', path: string, cap: boolean): string {
  const args = [...(cap ? [DEPLOYED_CAP] : []), DIST_CHILD, mode, path];
  const peaks = Array.from({ length: DEPLOYED_RUNS }, () => {
    const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
    return (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { maxRssMb: number }).maxRssMb;
  }).sort((a, b) => a - b);
  return `${peaks[Math.floor(peaks.length / 2)]} MB (max ${peaks.at(-1)})`;
}

type Line = {
  deployed: string;
  deployedCapped: string;
  what: string;
  target: number;
  timing: Comparison;
  ours: PeakMemory;
  oursCapped: PeakMemory;
  raw: PeakMemory;
};

async function measure(
  path: string,
  raw: RowCounter,
  rawName: string,
  target: number,
  what: string,
  oursName = 'countRowSource',
): Promise<Line> {
  const timing = await compareRows(raw, COUNTERS[oursName] ?? countRowSource, path);
  const ours = await peakRss(ref(oursName), path);
  const oursCapped = await peakRss(ref(oursName), path, HEAP_CAP);
  const rawMemory = await peakRss(ref(rawName), path);
  const mode = oursName === 'countIngest' ? 'pipeline' : 'reader';
  const deployed = deployedPeak(mode, path, false);
  const deployedCapped = deployedPeak(mode, path, true);
  return { what, target, timing, ours, oursCapped, raw: rawMemory, deployed, deployedCapped };
}

function table(lines: Line[]): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const out = [
    '| file | rows | raw lib rows/s | our rows/s | ratio, wall (target) | ratio, CPU | our peak RSS (tsx) | ours, heap capped (tsx) | raw lib peak RSS | process before reading | **as deployed (dist), median of 5** | **deployed, heap 128 MB** |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const l of lines) {
    const { baseline, candidate } = l.timing;
    const wall = rowsPerSec(candidate) / rowsPerSec(baseline);
    const cpu = rowsPerSec(candidate, 'cpu') / rowsPerSec(baseline, 'cpu');
    out.push(
      `| ${l.what} | ${n(candidate.rows)} | ${n(rowsPerSec(baseline))} | ${n(rowsPerSec(candidate))} | ` +
        `${wall.toFixed(2)}× (≥ ${l.target}×) | ${cpu.toFixed(2)}× | ${l.ours.maxRssMb} MB | ` +
        `${l.oursCapped.maxRssMb} MB | ${l.raw.maxRssMb} MB | ${l.ours.baselineRssMb} MB | ` +
        `${l.deployed} | ${l.deployedCapped} |`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  if (!existsSync(fileURLToPath(new URL('../dist/ingest/ingest-file.js', import.meta.url)))) {
    throw new Error('bench/ingest measures memory as deployed: run `npm run build` first');
  }
  const dir = await mkdtemp(join(tmpdir(), 'customer-sync-bench-'));
  try {
    const csv = join(dir, 'customers.csv');
    const xlsx = join(dir, 'customers.xlsx');
    await generate(csv, () => writeCustomerCsv(csv, csvRows));
    await generate(xlsx, () => writeCustomerXlsx(xlsx, xlsxRows));
    const fmt = (rows: number) => rows.toLocaleString('en-US');
    const lines = [
      await measure(
        csv,
        countRawPapaparse,
        'countRawPapaparse',
        0.6,
        `CSV reader, ${fmt(csvRows)} customers`,
      ),
      await measure(
        csv,
        countRawPapaparse,
        'countRawPapaparse',
        0.3,
        `CSV ingest pipeline, ${fmt(csvRows)} customers`,
        'countIngest',
      ),
      await measure(xlsx, countRawExceljs, 'countRawExceljs', 0.8, `XLSX reader, ${fmt(xlsxRows)} customers`),
      await measure(
        xlsx,
        countRawExceljs,
        'countRawExceljs',
        0.6,
        `XLSX ingest pipeline, ${fmt(xlsxRows)} customers`,
        'countIngest',
      ),
    ];
    console.log(table(lines));
    console.log(
      `\nNode ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}. ` +
        'Rows/s: best of 3 alternating runs (rows include the header). Peak RSS: VmHWM of a ' +
        `fresh process per reader; "heap capped" runs with ${HEAP_CAP.join(' ')}.`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function generate(path: string, write: () => Promise<void>): Promise<void> {
  const start = performance.now();
  await write();
  const size = (await stat(path)).size / (1024 * 1024);
  console.error(
    `generated ${path}: ${size.toFixed(0)} MB in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}

await main();
