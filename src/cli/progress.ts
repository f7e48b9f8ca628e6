/** Import progress for people: a live bar on a terminal, a plain line every few seconds otherwise. */
import cliProgress from 'cli-progress';
import { OUTCOMES } from '../domain/types.js';
import type { ImportMeta } from '../queue/import-store.js';

export type ProgressView = { update(meta: ImportMeta): void; stop(): void };

export function countsText(meta: ImportMeta): string {
  return OUTCOMES.filter((o) => meta.counts[o] > 0)
    .map((o) => `${o} ${meta.counts[o]}`)
    .join(', ');
}

function rate(meta: ImportMeta, startMs: number): number {
  const seconds = (Date.now() - startMs) / 1000;
  return seconds > 0 ? meta.done / seconds : 0;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const startMs = Date.now();
  if (!stream.isTTY) {
    let lastMs = 0;
    return {
      update(meta) {
        if (Date.now() - lastMs < 2000 && meta.state !== 'done') return;
        lastMs = Date.now();
        const total = meta.total ?? meta.parsed;
        stream.write(
          `progress: ${meta.state}, ${meta.done}/${total}${meta.total === null ? '+' : ''} rows, ` +
            `${rate(meta, startMs).toFixed(0)} rows/s${countsText(meta) ? `, ${countsText(meta)}` : ''}\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total} rows | {rate}/s | ETA {eta_formatted} | {counts}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { rate: '0', counts: '' });
  return {
    update(meta) {
      bar.setTotal(Math.max(1, meta.total ?? meta.parsed));
      bar.update(meta.done, { rate: rate(meta, startMs).toFixed(0), counts: countsText(meta) });
    },
    stop() {
      bar.stop();
    },
  };
}
