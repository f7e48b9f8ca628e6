/** Import progress for people: a live bar on a terminal, a plain line every few seconds otherwise. */
import cliProgress from 'cli-progress';
import { shownState } from '../domain/import-lifecycle.js';
import { OUTCOMES } from '../domain/types.js';
import type { ImportMeta } from '../queue/import-store.js';

export type ProgressView = { update(meta: ImportMeta): void; stop(): void };

/** The EnKash rate as the progress shows it; `reason` only on the plain lines (a bar has no room). */
export type RateLine = { ratePerSec: number; ceilingPerSec: number | null; reason?: string };

export function rateText(rate: RateLine | undefined, withReason: boolean): string {
  if (!rate) return '';
  const ceiling = rate.ceilingPerSec === null ? 'no ceiling' : `ceiling ${rate.ceilingPerSec}/s`;
  const why = withReason && rate.reason ? `; ${rate.reason}` : '';
  return `EnKash ${Math.floor(rate.ratePerSec)}/s (${ceiling}${why})`;
}

export function countsText(meta: ImportMeta): string {
  return OUTCOMES.filter((o) => meta.counts[o] > 0)
    .map((o) => `${o} ${meta.counts[o]}`)
    .join(', ');
}

function rowsPerSec(meta: ImportMeta, startMs: number): number {
  const seconds = (Date.now() - startMs) / 1000;
  return seconds > 0 ? meta.done / seconds : 0;
}

export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  rate: () => RateLine | undefined = () => undefined,
): ProgressView {
  const startMs = Date.now();
  if (!stream.isTTY) {
    let lastMs = 0;
    return {
      update(meta) {
        if (Date.now() - lastMs < 2000 && meta.state !== 'done') return;
        lastMs = Date.now();
        const total = meta.total ?? meta.parsed;
        const enkash = rateText(rate(), true);
        stream.write(
          `progress: ${shownState(meta.state, meta.cancelRequested)}, ${meta.done}/${total}${meta.total === null ? '+' : ''} rows, ` +
            `${rowsPerSec(meta, startMs).toFixed(0)} rows/s${countsText(meta) ? `, ${countsText(meta)}` : ''}` +
            `${enkash ? `; ${enkash}` : ''}\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} rows | {rate}/s | ETA {eta_formatted} | {counts} | {enkash}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { rate: '0', counts: '', enkash: '' });
  return {
    update(meta) {
      bar.setTotal(Math.max(1, meta.total ?? meta.parsed));
      bar.update(meta.done, {
        rate: rowsPerSec(meta, startMs).toFixed(0),
        counts: countsText(meta),
        enkash: rateText(rate(), false),
      });
    },
    stop() {
      bar.stop();
    },
  };
}
