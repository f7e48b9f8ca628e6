/**
 * What EnKash served, counted by this side: 2xx answers per BUCKET_MS bucket of the time their requests
 * were sent (the host's clock; bucket = floor(epochMs / BUCKET_MS)), summed across processes by the
 * governor and kept BUCKETS_KEPT_MS in the rate state. A sliding-window limit serves exactly its limit in
 * the second before its first 429, so that count is the limit estimate (rate-controller.ts).
 */
export const BUCKET_MS = 50;
const SERVED_LOOKAHEAD_MS = 150;
/** How long the buckets are kept in the rate state. */
export const BUCKETS_KEPT_MS = 3000;

/**
 * What EnKash served in a second, read around a 429 sent at `atMs`: the most 2xx answers counted in any
 * 1 s ending between `atMs` and SERVED_LOOKAHEAD_MS after it. A send time is known to a few ms (when the
 * slot's confirmation was asked) and EnKash's side adds its own delay; a sliding-window limit never
 * served more than its limit in any of its seconds, so the largest count near the 429 is the closest.
 */
export function servedAround(buckets: Record<string, number>, atMs: number): number {
  let most = 0;
  for (let end = atMs; end <= atMs + SERVED_LOOKAHEAD_MS; end += BUCKET_MS) {
    most = Math.max(most, servedBefore(buckets, end));
  }
  return most;
}

/** 2xx answers counted in the 1 s before `atMs`. */
export function servedBefore(buckets: Record<string, number>, atMs: number): number {
  const last = Math.floor(atMs / BUCKET_MS);
  const first = last - 1000 / BUCKET_MS + 1;
  let served = 0;
  for (const [bucket, count] of Object.entries(buckets)) {
    const b = Number(bucket);
    if (b >= first && b <= last) served += count;
  }
  return served;
}

export function mergeBuckets(
  kept: Record<string, number>,
  fresh: Record<string, number>,
  nowMs: number,
): Record<string, number> {
  const oldest = Math.floor((nowMs - BUCKETS_KEPT_MS) / BUCKET_MS);
  const merged: Record<string, number> = {};
  for (const source of [kept, fresh]) {
    for (const [bucket, count] of Object.entries(source)) {
      if (Number(bucket) >= oldest) merged[bucket] = (merged[bucket] ?? 0) + count;
    }
  }
  return merged;
}
