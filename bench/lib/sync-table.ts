/**
 * bench/sync's table: each must-hold line of issue 14 with this engine's figure, its peer's, and whether
 * the line holds.
 */
import type { ResyncFigures } from './resync.js';
import type { ScenarioResult, ScenarioSpec } from './sync-scenario.js';

export type RateRow = {
  check: 'unknown' | 'ceiling' | 'drop';
  R: number;
  spec: ScenarioSpec;
  peer: ScenarioSpec;
};

export type Line = { scenario: string; target: string; figure: string; peerFigure: string; verdict: string };

const TARGETS = {
  unknown: '≥ 0.9 R over the import, 429s ≤ 1 % of requests',
  ceiling: '≥ 0.95 R, at most R in every second, no 429',
  drop: 'the rate follows within 10 s both ways; no row fails',
};

const verdict = (ok: boolean) => (ok ? 'holds' : '**does not hold**');
const share = (r: ScenarioResult, R: number) => r.createsPerSec / R;
const throttledPct = (r: ScenarioResult) => (r.requests > 0 ? (100 * r.throttled) / r.requests : 0);

/** Seconds from a limit change until the engine's rate was within `ok` of the new limit. */
function followSeconds(r: ScenarioResult, fromMs: number, ok: (rate: number) => boolean): number | null {
  const hit = r.samples.find((s) => s.atMs >= fromMs && s.ratePerSec !== null && ok(s.ratePerSec));
  return hit ? (hit.atMs - fromMs) / 1000 : null;
}

function rateFigure(row: RateRow, r: ScenarioResult): string {
  const base =
    `${share(r, row.R).toFixed(2)} R (${r.createsPerSec.toFixed(1)}/s, ${r.rows} rows); ` +
    `${r.throttled} × 429 (${throttledPct(r).toFixed(2)} %); max ${r.maxPerSecond}/s; ` +
    `${r.beforeRetryAfter} before Retry-After; ${r.failed} failed`;
  if (row.check !== 'drop') return base;
  const down = followSeconds(r, 15_000, (x) => x <= 55);
  const up = followSeconds(r, 30_000, (x) => x >= 180);
  const s = (x: number | null) => (x === null ? 'never' : `${x.toFixed(1)} s`);
  return `${base}; ≤ 55/s ${s(down)} after the drop, ≥ 180/s ${s(up)} after the return`;
}

function rateHolds(row: RateRow, r: ScenarioResult): boolean {
  switch (row.check) {
    case 'unknown':
      return share(r, row.R) >= 0.9 && throttledPct(r) <= 1;
    case 'ceiling':
      return share(r, row.R) >= 0.95 && r.maxPerSecond <= row.R && r.throttled === 0;
    case 'drop': {
      const down = followSeconds(r, 15_000, (x) => x <= 55);
      const up = followSeconds(r, 30_000, (x) => x >= 180);
      return down !== null && down <= 10 && up !== null && up <= 10 && r.failed === 0;
    }
  }
}

export function rateLines(row: RateRow, mine: ScenarioResult, peer: ScenarioResult): Line[] {
  return [
    {
      scenario: `${row.spec.name} (peer ${row.peer.name})`,
      // The must-hold lines are one worker process, as the issue measured; two share these 2 cores with
      // the sandbox and Redis (each ~0.9 ms of CPU per row at R = 1,000) and are shown beside them.
      target:
        (row.spec.workers ?? 1) > 1 ? `beside the must-hold (${TARGETS[row.check]})` : TARGETS[row.check],
      figure: rateFigure(row, mine),
      peerFigure: rateFigure(row, peer),
      verdict: verdict(rateHolds(row, mine)),
    },
  ];
}

export function resyncLines(rows: number, mine: ResyncFigures, peer: ResyncFigures, label = ''): Line[] {
  const figure = (f: ResyncFigures) =>
    `${f.calls} calls, ${(f.wallMs / 1000).toFixed(1)} s, ${f.changed} updated, max ${f.maxPerSecond}/s, ${f.throttled} × 429`;
  const full = rows === 100_000;
  return [
    {
      scenario: `re-sync ${rows} customers, 1 % changed, R = 50${label} (peer ${peer.name})`,
      target: '≤ 1,100 calls and ≤ 30 s (100,000 customers)',
      figure: figure(mine),
      peerFigure: figure(peer),
      verdict: full ? verdict(mine.calls <= 1100 && mine.wallMs <= 30_000) : `n/a at ${rows} rows`,
    },
  ];
}

type Runs = { mine: number[][]; peer: number[][] };
export type CeilingFigures = {
  rows: number;
  pairs: number;
  worker: Runs;
  command: Runs;
  commandsPerRow: { mine: number; peer: number };
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export function ceilingLines(peerCommit: string, f: CeilingFigures): Line[] {
  const lines: Line[] = [];
  const col = (runs: number[][], i: number) => median(runs.map((r) => r[i] ?? NaN));
  const target = "≥ 2× the peer's rows/s (per-process ceiling)";
  if (f.worker.mine.length > 0) {
    const cmds = (n: number) => (Number.isFinite(n) ? `, ${n.toFixed(1)} Redis commands/row` : '');
    const figure = (runs: number[][], n: number) =>
      `${col(runs, 0).toFixed(0)} rows/s, ${col(runs, 1).toFixed(2)} CPU ms/row${cmds(n)}`;
    const ratio = col(f.worker.mine, 0) / col(f.worker.peer, 0);
    lines.push({
      scenario: `unlimited-worker: ${f.rows} rows, warm worker, from submission, median of ${f.pairs} (peer ${peerCommit})`,
      target,
      figure: figure(f.worker.mine, f.commandsPerRow.mine),
      peerFigure: figure(f.worker.peer, f.commandsPerRow.peer),
      verdict: `${verdict(ratio >= 2)} (${ratio.toFixed(2)}×)`,
    });
  }
  if (f.command.mine.length > 0) {
    const figure = (runs: number[][]) =>
      `${col(runs, 0).toFixed(0)} rows/s, ${col(runs, 1).toFixed(2)} CPU ms/row (start-up included)`;
    const ratio = col(f.command.mine, 0) / col(f.command.peer, 0);
    lines.push({
      scenario: `unlimited-sync: \`customer-sync sync\`, ${f.rows} rows, one process, from the command's start, median of ${f.pairs} (peer ${peerCommit})`,
      target,
      figure: figure(f.command.mine),
      peerFigure: figure(f.command.peer),
      verdict: `${verdict(ratio >= 2)} (${ratio.toFixed(2)}×)`,
    });
  }
  return lines;
}
