/**
 * Plan benchmark: how long after a file is accepted its reading plan's first screen (mapping + samples)
 * is ready, on a generated 100,000-row CSV. In-process: ingestFile's head read + column detection + content
 * recognition + the plan + its table, median and worst of 7 runs. As a user sees it: the wall time of
 * `customer-sync plan FILE --no-counts` (a fresh process: Node + tsx start, Redis connect included).
 * Run: `npx tsx bench/plan.ts [rows]`. Target (issue 12): within 1 s.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFile } from '../src/ingest/ingest-file.js';
import { formatPlan } from '../src/ingest/plan/format-plan.js';
import { writeCustomerCsv } from './lib/generate.js';

const rows = Number(process.argv[2] ?? 100_000);
const RUNS = 7;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function firstScreenMs(path: string): Promise<number> {
  const start = performance.now();
  const file = await ingestFile(path, { fileName: 'customers.csv', matchKey: 'uniqueRefNo' });
  const screen = formatPlan(file.plan);
  const ms = performance.now() - start;
  await file.close();
  if (!screen.includes('uniqueRefNo')) throw new Error('the plan did not map the customer code');
  return ms;
}

function cliMs(path: string, dir: string): number {
  const start = performance.now();
  execFileSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'plan', path, '--no-counts'],
    {
      env: {
        ...process.env,
        REDIS_PREFIX: `{bench-plan-${process.pid}}`,
        STATE_DIR: join(dir, 'state'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return performance.now() - start;
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
};

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'customer-sync-bench-plan-'));
  try {
    const csv = join(dir, 'customers.csv');
    await writeCustomerCsv(csv, rows);
    const mb = (await stat(csv)).size / (1024 * 1024);
    const inProcess: number[] = [];
    for (let i = 0; i < RUNS; i++) inProcess.push(await firstScreenMs(csv));
    const cli: number[] = [];
    for (let i = 0; i < 3; i++) cli.push(cliMs(csv, dir));
    const a = stats(inProcess);
    const b = stats(cli);
    console.log(`| what | median | worst | target |`);
    console.log(`|---|---:|---:|---:|`);
    console.log(
      `| first screen in-process, ${rows.toLocaleString('en-US')}-row CSV (${mb.toFixed(0)} MB) | ${a.median.toFixed(0)} ms | ${a.max.toFixed(0)} ms | ≤ 1000 ms |`,
    );
    console.log(
      `| \`customer-sync plan FILE --no-counts\`, whole process | ${b.median.toFixed(0)} ms | ${b.max.toFixed(0)} ms | |`,
    );
    console.log(
      `\nNode ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)}.`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
