/**
 * bench/sync — the sync engine against the sandbox, each figure beside its baseline, in one run.
 *
 * Rate scenarios (one `customer-sync worker` process, the sandbox in this process with 100 ms latency,
 * an import of new customers counted from its submission):
 *   unknown-R      nothing configured, adaptive (the new default)            beside  fixed, nothing configured (10/s)
 *   ceiling-5R-R   ENKASH_RATE_LIMIT_PER_SEC = 5 R, adaptive                  beside  fixed at 5 R
 *   ceiling-R-200  ENKASH_RATE_LIMIT_PER_SEC = R, adaptive (also with a CPU hog) beside fixed at R
 *   drop-200-50    the sandbox's limit drops from 200 to 50 and comes back, adaptive, nothing configured
 *   unlimited      no sandbox limit, no latency: per-process ceiling, adaptive beside fixed at 100,000/s
 * Re-sync: 100,000 customers already in EnKash, 1 % changed, at R = 50: adaptive (nothing configured)
 * beside fixed at 50 (and, with --resync-naive, the per-row search-then-write loop at R = 2000).
 *
 * Run: `npx tsx bench/sync.ts [--only name,prefix*] [--scale 0.5] [--reverse] [--rows-b N] [--resync-naive]`
 * (Redis on 127.0.0.1:6379). Prints a Markdown table and `uptime`, for the README.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchResync, type ResyncFigures } from './lib/resync.js';
import { runScenario, type ScenarioResult, type ScenarioSpec } from './lib/sync-scenario.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    scale: { type: 'string', default: '1' },
    'rows-b': { type: 'string', default: '100000' },
    'resync-naive': { type: 'boolean', default: false },
    /** Runs the selected scenarios last to first: a peer that ran second in one run runs first in the next. */
    reverse: { type: 'boolean', default: false },
  },
});
const scale = Number(args.scale);
const LAT = { latencyMs: 100 };
/** About 30 s of work at R, at least 1,500 rows, at most 10,000. */
const rowsFor = (R: number) => Math.round(Math.min(10_000, Math.max(1_500, 30 * R)) * scale);

type Row = { spec: ScenarioSpec; R: number | null; baselineOf?: string };

function scenarios(): Row[] {
  const list: Row[] = [];
  for (const R of [50, 200, 1000]) {
    list.push({
      R,
      spec: { name: `unknown-${R}`, rows: rowsFor(R), faults: { ...LAT, ratePerSec: R }, env: {} },
    });
    list.push({
      R,
      spec: {
        name: `ceiling-5R-${R}`,
        rows: rowsFor(R),
        faults: { ...LAT, ratePerSec: R },
        env: { ENKASH_RATE_LIMIT_PER_SEC: String(5 * R) },
      },
    });
  }
  const R = 200;
  const fixed = { ENKASH_RATE_ADAPTIVE: 'false' };
  list.push(
    {
      R,
      baselineOf: 'unknown-200',
      spec: {
        name: 'fixed-nothing-200',
        rows: Math.round(300 * scale),
        faults: { ...LAT, ratePerSec: R },
        env: fixed,
      },
    },
    {
      R,
      baselineOf: 'ceiling-5R-200',
      spec: {
        name: 'fixed-5R-200',
        rows: rowsFor(R),
        faults: { ...LAT, ratePerSec: R },
        env: { ...fixed, ENKASH_RATE_LIMIT_PER_SEC: '1000' },
      },
    },
    {
      R,
      spec: {
        name: 'ceiling-R-200',
        rows: rowsFor(R),
        faults: { ...LAT, ratePerSec: R },
        env: { ENKASH_RATE_LIMIT_PER_SEC: String(R) },
      },
    },
    {
      R,
      baselineOf: 'ceiling-R-200',
      spec: {
        name: 'fixed-R-200',
        rows: rowsFor(R),
        faults: { ...LAT, ratePerSec: R },
        env: { ...fixed, ENKASH_RATE_LIMIT_PER_SEC: String(R) },
      },
    },
    {
      R,
      spec: {
        name: 'ceiling-R-200-hog',
        rows: rowsFor(R),
        faults: { ...LAT, ratePerSec: R },
        env: { ENKASH_RATE_LIMIT_PER_SEC: String(R) },
        cpuHog: true,
      },
    },
    {
      R,
      spec: {
        name: 'drop-200-50',
        rows: Math.round(7_000 * scale),
        faults: { ...LAT, ratePerSec: 200 },
        env: {},
        rateSchedule: [
          { afterMs: 15_000, ratePerSec: 50 },
          { afterMs: 30_000, ratePerSec: 200 },
        ],
      },
    },
    { R: null, spec: { name: 'unlimited', rows: Math.round(10_000 * scale), faults: {}, env: {} } },
    {
      R: null,
      baselineOf: 'unlimited',
      spec: {
        name: 'fixed-unlimited',
        rows: Math.round(10_000 * scale),
        faults: {},
        env: { ...fixed, ENKASH_RATE_LIMIT_PER_SEC: '100000' },
      },
    },
  );
  const only = args.only?.split(',');
  const picks = (name: string, o: string) => (o.endsWith('*') ? name.startsWith(o.slice(0, -1)) : name === o);
  const chosen = only ? list.filter((r) => only.some((o) => picks(r.spec.name, o))) : list;
  return args.reverse ? chosen.reverse() : chosen;
}

/** Seconds from a limit change until the engine's rate was within `ok` of the new limit. */
function followSeconds(r: ScenarioResult, fromMs: number, ok: (rate: number) => boolean): string {
  const hit = r.samples.find((s) => s.atMs >= fromMs && s.ratePerSec !== null && ok(s.ratePerSec));
  return hit ? ((hit.atMs - fromMs) / 1000).toFixed(1) : 'never';
}

function line(row: Row, r: ScenarioResult): string {
  const share = row.R ? ` = **${(r.createsPerSec / row.R).toFixed(2)} R**` : '';
  const throttledShare = r.requests > 0 ? ((100 * r.throttled) / r.requests).toFixed(2) : '0';
  let extra = '';
  if (r.name === 'drop-200-50') {
    const down = followSeconds(r, 15_000, (x) => x <= 55);
    const up = followSeconds(r, 30_000, (x) => x >= 180);
    extra = `; rate ≤ 55/s ${down} s after the drop, ≥ 180/s ${up} s after the return`;
  }
  return (
    `| ${r.name} | ${r.rows} | ${r.createsPerSec.toFixed(1)} creates/s${share} | ${r.throttled} × 429 ` +
    `(${throttledShare} % of ${r.requests}) | ${r.maxPerSecond} | ${r.beforeRetryAfter} | ${r.failed} | ` +
    `${(r.wallMs / 1000).toFixed(1)} s${extra} |`
  );
}

function resyncLine(f: ResyncFigures): string {
  return `| ${f.name} | ${f.calls} calls | ${(f.wallMs / 1000).toFixed(1)} s | ${f.changed} updated | max ${f.maxPerSecond}/s | ${f.throttled} × 429 |`;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'cs-bench-sync-'));
  const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
  const loads = [uptime()];
  try {
    const lines: string[] = [];
    for (const row of scenarios()) {
      const r = await runScenario(dir, row.spec);
      const text = line(row, r);
      console.log(
        text,
        JSON.stringify({
          samples: r.samples.filter((_, i) => i % 10 === 0).map((s) => [s.atMs, s.created, s.ratePerSec]),
        }),
      );
      lines.push(text);
    }
    loads.push(uptime());
    const resync: ResyncFigures[] = [];
    if (!args.only || args.only.includes('resync')) {
      const rows = Number(args['rows-b']);
      resync.push(
        ...(await benchResync(dir, rows, [
          {
            name: `adaptive, nothing configured, R = 50`,
            kind: 'engine',
            faults: { ratePerSec: 50, latencyMs: 5 },
            env: { WORKER_CONCURRENCY: '64' },
          },
          {
            name: `fixed at 50, R = 50`,
            kind: 'engine',
            faults: { ratePerSec: 50, latencyMs: 5 },
            env: { ENKASH_RATE_ADAPTIVE: 'false', ENKASH_RATE_LIMIT_PER_SEC: '50', WORKER_CONCURRENCY: '64' },
          },
          ...(args['resync-naive']
            ? [
                {
                  name: 'per-row search-then-write loop, R = 2000',
                  kind: 'naive' as const,
                  faults: { latencyMs: 5 },
                  env: { ENKASH_RATE_LIMIT_PER_SEC: '2000' },
                },
              ]
            : []),
        ])),
      );
      loads.push(uptime());
    }
    console.log(`
| scenario | rows | creates/s (submit → last create) | 429s | max req in any 1 s | before Retry-After | failed | wall |
|---|---|---|---|---|---|---|---|
${lines.join('\n')}
${resync.length ? `\n| re-sync, 1 % changed | calls | wall | changed | max | 429 |\n|---|---|---|---|---|---|\n${resync.map(resyncLine).join('\n')}\n` : ''}
load: ${loads.join(' → ')}
`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
