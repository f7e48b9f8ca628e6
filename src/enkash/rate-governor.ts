/**
 * The adaptive rate's edge: every process counts what its calls saw, and every TICK_MS adds it to one
 * Redis hash per account. Whoever takes the tick's lock (one process per tick) drains the hash, runs the
 * pure controller (rate-controller.ts) on the state kept in Redis and writes the new state and the slot
 * count the limiter's script reads. Every process learns the state from its own report's answer: one
 * round trip per process per tick, none per request.
 *
 * The state has a long TTL and no owner: a restart, a new worker or a new host starts from what the
 * account learned, not from START_RATE. Clocks: buckets and throttle times are each host's Date.now();
 * hosts of one deployment are assumed NTP-synchronised (tens of ms are harmless: a bucket is 50 ms).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RedisScript } from '../redis/redis-script.js';
import type { EnkashKeys } from './keys.js';
import { BUCKET_MS } from './served-count.js';
import {
  STALE_STATE_MS,
  TICK_COUNTS,
  TICK_MS,
  decideRate,
  initialRateState,
  resumeRateState,
  type RateObservation,
  type RateSettings,
  type RateState,
  type TickCounts,
} from './rate-controller.js';

/** Kept this long after the last change: long enough to outlive any pause between runs. */
const STATE_TTL_MS = 30 * 24 * 3600_000;

// What each script does, its keys and arguments: the header of src/redis/scripts/<name>.lua.
const REPORT = RedisScript.load('rateReport-3');
const COMMIT = RedisScript.load('rateCommit-2');

const StateSchema = z.looseObject({
  rate: z.number().positive(),
  phase: z.enum(['start', 'hold', 'probe']),
  limitEstimate: z.number().nullable(),
  reason: z.string(),
  changedAtMs: z.number(),
  updatedAtMs: z.number(),
});

/** What /metrics, progress lines and the web page show. */
export type RateStatus = {
  ratePerSec: number;
  ceilingPerSec: number | null;
  phase: RateState['phase'];
  limitEstimatePerSec: number | null;
  reason: string;
  changedAt: string;
};

/** `latencyMs` absent: an answer whose time says nothing of congestion (HttpRequest.bulk). */
export type AnswerNote = { status: number | null; latencyMs?: number; retryAfterMs?: number };

export type RateGovernorOptions = {
  redis: Redis;
  keys: Pick<EnkashKeys, 'rateState' | 'rateObs' | 'rateTick' | 'rateSlots'>;
  settings: RateSettings;
  onChange?: (status: RateStatus) => void;
  onError?: (err: Error) => void;
};

export class RateGovernor {
  private readonly owner = randomBytes(6).toString('hex');
  private obs = freshCounts();
  private latencies: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private current: RateState | undefined;

  constructor(private readonly options: RateGovernorOptions) {}

  /** Starts ticking (idempotent). The timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** The slots a window holds right now; before the first tick, what a fresh account starts with. */
  get ratePerSec(): number {
    return this.current?.rate ?? initialRateState(this.options.settings, Date.now()).rate;
  }

  /** The state as Redis holds it now (any process's last decision), for a process that does not tick. */
  async read(): Promise<RateStatus> {
    const json = await this.options.redis.hget(this.options.keys.rateState, 'json');
    const stored = parseState(json);
    if (stored) this.current = stored;
    return this.status();
  }

  status(): RateStatus {
    const s = this.current ?? initialRateState(this.options.settings, Date.now());
    return {
      ratePerSec: s.rate,
      ceilingPerSec: this.options.settings.ceiling,
      phase: s.phase,
      limitEstimatePerSec: s.limitEstimate,
      reason: s.reason,
      changedAt: new Date(s.changedAtMs).toISOString(),
    };
  }

  noteGrant(waited: boolean): void {
    this.obs.sent += 1;
    if (waited) this.obs.starved += 1;
    this.start();
  }

  /** Callers asked for more slots than the window had: the rate, not the demand, is what bounds them. */
  noteStarved(): void {
    this.obs.starved += 1;
    this.start();
  }

  /**
   * `sentAgoMs`: how long ago its request's slot was stamped, as it left. Answers are counted by when
   * their requests were sent, as EnKash's window counts them: by the answers' own arrival, the answer
   * times' spread (100 ms ± what each side's event loop adds) read the start's limit 9-16 % short with
   * two workers at R = 1,000 (up to 9 % with one).
   */
  noteAnswer(answer: AnswerNote, sentAgoMs = 0): void {
    const sentAt = Date.now() - sentAgoMs;
    const { status } = answer;
    if (status !== null && status >= 200 && status < 300) {
      this.obs.ok += 1;
      const bucket = `b${Math.floor(sentAt / BUCKET_MS)}`;
      this.obs.buckets.set(bucket, (this.obs.buckets.get(bucket) ?? 0) + 1);
    } else if (status === 429) {
      this.obs.throttled += 1;
      // The earliest sent, not the first handled: it marks where EnKash's window was full.
      const first = this.obs.firstThrottleAtMs;
      if (first === 0 || sentAt < first) this.obs.firstThrottleAtMs = sentAt;
      this.obs.retryAfterMs = Math.max(this.obs.retryAfterMs, answer.retryAfterMs ?? 0);
    } else if (status === null || status >= 500 || status === 408) {
      this.obs.failed += 1;
    }
    if (status !== null && status !== 429 && answer.latencyMs !== undefined)
      this.latencies.push(answer.latencyMs);
  }

  /** One report (and, for one process per tick, one decision). Exposed for tests. */
  tick(nowMs = Date.now()): Promise<void> {
    this.ticking ??= this.report(nowMs)
      .catch((err: unknown) => this.options.onError?.(err as Error))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async report(nowMs: number): Promise<void> {
    const { redis, keys } = this.options;
    const counts = this.obs;
    const latencyMs = median(this.latencies);
    this.obs = freshCounts();
    this.latencies = [];
    const fields: Array<string | number> = [];
    const add = (field: string, n: number) => n > 0 && fields.push(field, Math.round(n));
    for (const name of TICK_COUNTS) add(name, counts[name]);
    if (latencyMs !== null) {
      add('latencyWeighted', latencyMs * (counts.ok + counts.failed));
      add('latencyCount', counts.ok + counts.failed);
    }
    for (const [bucket, n] of counts.buckets) add(bucket, n);
    const answer = (await REPORT.run(
      redis,
      [keys.rateObs, keys.rateTick, keys.rateState],
      // The lock lapses a little before the next tick, or every other tick would find it still held.
      [TICK_MS - 50, this.owner, counts.firstThrottleAtMs, counts.retryAfterMs, ...fields],
    )) as [number, string[] | null, string | null, string];
    const [decide, rawObs, json, seq] = answer;
    const stored = parseState(json);
    if (stored) this.current = stored;
    if (decide !== 1 || !rawObs) return;
    await this.decide(stored, toObservation(rawObs, nowMs), Number(seq));
  }

  private async decide(stored: RateState | null, obs: RateObservation, seq: number): Promise<void> {
    const { settings } = this.options;
    const before =
      stored === null
        ? initialRateState(settings, obs.nowMs)
        : obs.nowMs - stored.updatedAtMs > STALE_STATE_MS || stored.rate > (settings.ceiling ?? Infinity)
          ? resumeRateState(stored, settings, obs.nowMs)
          : stored;
    const active = obs.sent + obs.ok + obs.throttled + obs.failed > 0;
    // A quiet tick changes nothing, unless a cut's estimate may still rise (its re-read, rate-controller.ts).
    if (stored !== null && before === stored && !active && !stored.reread) return;
    const { state } = decideRate(before, obs, settings);
    const written = await COMMIT.run(
      this.options.redis,
      [this.options.keys.rateState, this.options.keys.rateSlots],
      [JSON.stringify(state), seq, Math.max(1, Math.floor(state.rate)), STATE_TTL_MS],
    );
    if (Number(written) !== 1) return;
    const changed = stored === null || state.changedAtMs !== stored.changedAtMs;
    this.current = state;
    if (changed) this.options.onChange?.(this.status());
  }
}

type Counts = TickCounts &
  Pick<RateObservation, 'firstThrottleAtMs' | 'retryAfterMs'> & { buckets: Map<string, number> };

function freshCounts(): Counts {
  const zero = Object.fromEntries(TICK_COUNTS.map((name) => [name, 0])) as TickCounts;
  return { ...zero, firstThrottleAtMs: 0, retryAfterMs: 0, buckets: new Map() };
}

function toObservation(flat: string[], nowMs: number): RateObservation {
  const fields = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] ?? '', Number(flat[i + 1]));
  const get = (name: string) => fields.get(name) ?? 0;
  const okBuckets: Record<string, number> = {};
  for (const [name, n] of fields) if (name.startsWith('b')) okBuckets[name.slice(1)] = n;
  const latencyCount = get('latencyCount');
  const counts = Object.fromEntries(TICK_COUNTS.map((name) => [name, get(name)])) as TickCounts;
  return {
    ...counts,
    nowMs,
    firstThrottleAtMs: get('firstThrottleAtMs'),
    retryAfterMs: get('retryAfterMs'),
    latencyMs: latencyCount > 0 ? get('latencyWeighted') / latencyCount : null,
    okBuckets,
  };
}

function parseState(json: string | null): RateState | null {
  if (!json) return null;
  try {
    const parsed = StateSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as RateState) : null;
  } catch {
    return null;
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}
