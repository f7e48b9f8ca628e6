/**
 * Soak measurements (scenario 14): the Redis memory a deployment's prefix holds, by kind of key and by
 * how long it stays; and the resident memory of worker processes sampled from /proc over a run.
 */
import type { Redis } from 'ioredis';
import { rssKb } from './proc.js';

export type PrefixMemory = {
  keys: number;
  bytes: number;
  /** Bytes by kind of key (row jobs, results, fingerprints, …). */
  byKind: Record<string, number>;
  /** Bytes of keys with no TTL: they stay until something deletes them. */
  noTtlBytes: number;
  /** Bytes of keys whose TTL runs past `horizonSec` (or that have none): what outlives the retention. */
  beyondBytes: number;
};

/** What a key under the prefix is, from its name (BullMQ's `<prefix>:<queue>:…` and our own stores). */
export function keyKind(rest: string): string {
  if (
    /^rows:(completed|failed|wait|active|delayed|prioritized|paused|stalled|limiter|marker|pc|id|meta|events|stalled-check)/.test(
      rest,
    )
  )
    return `bull rows ${rest.split(':')[1]}`;
  if (/^rows:/.test(rest)) return 'bull rows jobs';
  if (/^imports:/.test(rest)) return 'bull imports';
  if (/^import:[^:]+:results$/.test(rest)) return 'import results';
  if (/^import:/.test(rest)) return 'import meta';
  if (/^acct:[^:]+:fp:/.test(rest)) return 'fingerprints';
  if (/^acct:/.test(rest)) return `account ${rest.split(':')[2] ?? ''}`;
  return rest.split(':')[0] ?? 'other';
}

/** MEMORY USAGE (exact: SAMPLES 0) and TTL of every key under `prefix`, pipelined. */
export async function prefixMemory(redis: Redis, prefix: string, horizonSec: number): Promise<PrefixMemory> {
  const out: PrefixMemory = { keys: 0, bytes: 0, byKind: {}, noTtlBytes: 0, beyondBytes: 0 };
  const stream = redis.scanStream({ match: `${prefix}*`, count: 1000 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) {
      pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
      pipeline.ttl(key);
    }
    const results = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const bytes = Number(results[2 * i]?.[1] ?? 0);
      const ttl = Number(results[2 * i + 1]?.[1] ?? -2);
      if (ttl === -2) return; // gone meanwhile
      const kind = keyKind(key.slice(prefix.length + 1));
      out.keys += 1;
      out.bytes += bytes;
      out.byKind[kind] = (out.byKind[kind] ?? 0) + bytes;
      if (ttl === -1) out.noTtlBytes += bytes;
      if (ttl === -1 || ttl > horizonSec) out.beyondBytes += bytes;
    });
  }
  return out;
}

export type RssSample = { atMs: number; progress: number; rssKb: number[] };

/** Samples the RSS of `pids` every `everyMs`, tagging each sample with `progress()` (0..1). */
export function sampleRss(pids: number[], everyMs: number, progress: () => number) {
  const samples: RssSample[] = [];
  const take = async () => {
    samples.push({ atMs: Date.now(), progress: progress(), rssKb: await Promise.all(pids.map(rssKb)) });
  };
  void take();
  const timer = setInterval(() => void take(), everyMs);
  return {
    samples,
    async stop(): Promise<RssSample[]> {
      clearInterval(timer);
      await take();
      return samples;
    },
  };
}

/**
 * Drift per process: the mean RSS of the samples late in the run (progress ≥ `late`) minus the mean after
 * warm-up (the first samples at progress ≥ `warm`, up to three), in MB.
 */
export function rssDriftMb(samples: RssSample[], warm: number, late: number) {
  const n = samples[0]?.rssKb.length ?? 0;
  const mean = (rows: RssSample[], i: number) =>
    rows.length === 0 ? 0 : rows.reduce((s, r) => s + (r.rssKb[i] ?? 0), 0) / rows.length / 1024;
  const warmed = samples.filter((s) => s.progress >= warm && s.progress < late).slice(0, 3);
  const lateRows = samples.filter((s) => s.progress >= late && s.rssKb.every((kb) => kb > 0));
  return Array.from({ length: n }, (_, i) => {
    const warmMb = mean(warmed, i);
    const lateMb = mean(lateRows.slice(-3), i);
    const peakMb = Math.max(...samples.map((s) => s.rssKb[i] ?? 0)) / 1024;
    return {
      warmMb: round1(warmMb),
      lateMb: round1(lateMb),
      driftMb: round1(lateMb - warmMb),
      peakMb: round1(peakMb),
    };
  });
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
