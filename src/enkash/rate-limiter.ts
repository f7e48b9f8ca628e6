/**
 * The EnKash request budget, shared by every process of one deployment through Redis.
 *
 * EnKash publishes no rate limit (enkash-api.md, unknown #2): we assume one per account, so the budget
 * belongs to the account, not to a worker or a queue. It bounds HTTP calls (token calls included), not
 * jobs: BullMQ's own limiter counts job starts and allows 2× bursts across a window edge (field-notes.md).
 *
 * How: a sliding-window log (a ZSET of grant times) in one Lua script, timed by Redis `TIME`, the only
 * clock every process shares. A grant says "you may send now"; the caller then sends without holding
 * anything, so many calls are in flight at once and throughput is R whatever the latency.
 *
 * Why the window is longer than one second: a grant is stamped at Redis, but the request reaches EnKash
 * some time later (event loop, socket write, network). If one request is delayed by d1 and one granted a
 * window later by d2 < d1, they arrive W − (d1 − d2) apart. With W = 1000 ms + margin, EnKash never sees
 * more than R requests in any second as long as that difference stays under the margin. The price is a
 * ceiling of R·1000/W. So d1 is taken out of it: when an answer comes back later than the fastest
 * answers do, its slot is moved that much later in the log (rateLate-1, {@link RateLimiter.noteAnswer}),
 * long before the slot a window after it is granted. The margin covers the rest (rate-margin.ts: 10 ms,
 * 0.99 R; 150 ms, 0.87 R, while answers come back too late for that) unless ENKASH_RATE_MARGIN_MS fixes
 * it; processes may count with different margins, so grants are kept in the log for the longest window
 * any of them may use.
 *
 * The window only bounds what EnKash sees if every request leaves soon after its slot was last stamped.
 * Whatever lies between the grant and the send is therefore taken out of that difference instead of
 * being left to the margin:
 * - the client takes a connection permit BEFORE asking for a slot, so a granted request never waits in
 *   the HTTP pool's queue;
 * - {@link RateLimiter.confirm}, the last step before the request is handed to the socket, re-stamps the
 *   slot on the Redis clock, or finds it already aged out (or a 429 pause begun meanwhile) and waits for
 *   a new one. The caller measures from when the confirmation was asked: one older than `freshMs` when
 *   the request is written is re-stamped by markSent as it leaves, one older than `staleMs` (a stalled
 *   event loop, a slow Redis) is confirmed again before anything is written. Without this a process that
 *   stalled for a window between grant and send (garbage collection, a planner's synchronous chunk, a
 *   slow breaker call) sent on a slot that other processes had already been granted again: the 100,000-row
 *   soak saw 53 requests in one second at R = 50;
 * - {@link RateLimiter.markSent} re-stamps the slot when the request is written to a connected socket, so
 *   a cold connection's TCP/TLS handshake does not count (a handshake longer than the window aborts the
 *   request before it is written; the transport asks for a slot again).
 * What is left (the way to EnKash's edge, the far end stamping a burst: 16 at once took the sandbox
 * 20 ms, more when short of CPU; a far end that stalls) is in the answer's time, and its re-stamp.
 * Pacing grants W/R apart would shorten the bursts, but polling for each grant loses a timer's overshoot
 * per request (measured: 0.80 R instead of 0.91 R).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisScript } from '../redis/redis-script.js';
import { enkashKeys } from './keys.js';
import type { AnswerNote, RateGovernor } from './rate-governor.js';
import { MAX_MARGIN_MS, MIN_MARGIN_MS, RateMargin, ownLoopLagged } from './rate-margin.js';
import { sleep } from './sleep.js';

// What each script does, its keys and arguments: the header of src/redis/scripts/<name>.lua.
const ACQUIRE = RedisScript.load('rateAcquire-3');
const CONFIRM = RedisScript.load('rateConfirm-2');
const MARK_SENT = RedisScript.load('rateMarkSent-1');
const PAUSE = RedisScript.load('ratePause-1');
const LATE = RedisScript.load('rateLate-1');

/**
 * The most slots one process asks for in one round trip. Each batch leaves at once: at 64 the far end
 * queued the bursts, and the answers' spread (60–118 ms against 38 ms at 16, rate-margin.ts) widened the
 * learned window (at R = 200, 4,000 rows: 0.875 R with dips every few seconds; at 16, 0.92 R and none).
 */
const MAX_BATCH = 16;
const FRESH_MIN_MS = 20;
/** The longest a pump sleeps between asks when the rate is adaptive (half a governor tick). */
const MAX_ADAPTIVE_WAIT_MS = 125;

type Waiter = {
  resolve: (slot: string) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort?: () => void;
};

/** The waiter, its abort listener removed (it has its answer). */
function settle(waiter: Waiter): Waiter {
  if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  return waiter;
}

function grantedAt(slot: string): number {
  return Number(slot.slice(0, slot.indexOf('-'))) || Date.now();
}

export type RateLimiterOptions = {
  redis: Redis;
  prefix: string;
  ratePerSec: number;
  /**
   * Added to the 1-second window to absorb arrival jitter (see the file comment). Absent: learned from
   * the answers' spread (rate-margin.ts).
   */
  safetyMarginMs?: number;
  /** The learned margin moved (rate-margin.ts): for a log line. */
  onMarginChange?: (ms: number, previousMs: number) => void;
  /** A granted slot could not be used (see {@link RateLimiter.confirm}): for a log line. */
  onSlotLost?: (lost: { ageMs: number }) => void;
  /**
   * The adaptive rate: the limit per window is what it last decided (shared through Redis), and every
   * grant and answer is reported to it. Absent: `ratePerSec`, fixed.
   */
  governor?: RateGovernor;
};

/** A confirmed slot, and when its confirmation was asked for (`performance.now()`): the stamp is newer. */
export type Confirmed = { slot: string; askedAt: number };

export class RateLimiter {
  /** Requests granted per window (the start value when adaptive: the governor's slot count rules). */
  readonly limit: number;
  readonly governor: RateGovernor | undefined;
  readonly margin: RateMargin;
  private readonly spanMs: number;
  /** How long a grant is kept in the log: the longest window any process may count with. */
  private readonly keepMs: number;
  /**
   * How old a confirmation may be (local clock, from when it was asked) when its request is written:
   * within `freshMs` the slot's stamp stands; up to `staleMs` the request may go if {@link markSent}
   * re-stamps it as it leaves (the slot is certainly still counted when that lands); beyond, the slot may
   * have aged out and been granted again: confirm again first.
   */
  readonly staleMs: number;
  private readonly redis: Redis;
  private readonly onSlotLost: RateLimiterOptions['onSlotLost'];
  private readonly keys: ReturnType<typeof enkashKeys>;
  // One pump per process asks Redis at a time, for every caller waiting: when slots free, one process's
  // head competes for all of its callers instead of every waiting call in every process.
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  /** Slots to count later (rateLate-1), pairs of id and ms, sent together at the end of the turn. */
  private readonly late: (string | number)[] = [];

  /** The window grants are counted in: one second (more below 1/s) and the margin. */
  get windowMs(): number {
    return this.spanMs + this.margin.ms();
  }

  /** The answer's re-stamp (rateLate-1) also counts a late write: markSent is for the rare long ones. */
  get freshMs(): number {
    return Math.max(FRESH_MIN_MS, this.margin.ms() / 2);
  }

  constructor(options: RateLimiterOptions) {
    if (!(options.ratePerSec > 0)) throw new RangeError('ratePerSec must be positive');
    this.redis = options.redis;
    this.keys = enkashKeys(options.prefix);
    this.governor = options.governor;
    // A fractional rate (2.5/s) rounds down per second; a rate under 1/s stretches the window instead.
    this.limit = Math.max(1, Math.floor(options.ratePerSec));
    this.spanMs = Math.max(1000, Math.ceil((this.limit * 1000) / options.ratePerSec));
    this.margin = new RateMargin(options.safetyMarginMs, options.onMarginChange);
    this.keepMs = this.spanMs + Math.max(MAX_MARGIN_MS, options.safetyMarginMs ?? 0);
    this.staleMs = this.spanMs;
    this.onSlotLost = options.onSlotLost;
  }

  /**
   * Resolves with a slot id when this caller may send one request; rejects with the signal's reason on
   * abort. Pass the id to {@link confirm} right before the request leaves.
   *
   * A process's waiting callers ask together: the head of the queue asks Redis for as many slots as there
   * are callers waiting (at most MAX_BATCH) in one round trip, and each granted slot goes to the next
   * caller in line. Granting ahead is safe because {@link confirm} re-stamps each slot as its request
   * leaves, or replaces one that aged out meanwhile.
   */
  acquire(signal?: AbortSignal): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      void this.pump();
    });
  }

  /** Asks for slots while callers wait; one pump per process at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      let waited = false;
      while (this.waiters.length > 0) {
        // The id starts with the local time of the grant, for the age reported by onSlotLost.
        const id = `${Date.now()}-${randomBytes(6).toString('hex')}`;
        const wanted = Math.min(this.waiters.length, MAX_BATCH);
        let granted: number;
        let waitMs: number;
        try {
          ({ granted, waitMs } = await this.tryAcquireMany(id, wanted));
        } catch (err) {
          // Redis refused or is away: every waiting caller hears it, as each did when it asked alone.
          for (const w of this.waiters.splice(0)) settle(w).reject(err as Error);
          return;
        }
        const unused: string[] = [];
        for (let i = 1; i <= granted; i += 1) {
          const waiter = this.waiters.shift();
          const slot = `${id}:${i}`;
          if (!waiter) unused.push(slot);
          else {
            this.governor?.noteGrant(waited);
            settle(waiter).resolve(slot);
          }
        }
        // Callers that gave up while their slots were asked for: the slots go back to the budget.
        if (unused.length > 0) void this.redis.zrem(this.keys.rate, ...unused).catch(() => undefined);
        waited = granted < wanted && this.waiters.length > 0;
        if (!waited) continue;
        // Demand exceeded the rate: what lets the adaptive rate grow, told now rather than after the wait.
        this.governor?.noteStarved();
        // The adaptive rate may grow while this pump waits: ask again within a tick, not a whole window later.
        await sleep(this.governor ? Math.min(waitMs, MAX_ADAPTIVE_WAIT_MS) : waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Call right before handing the request to the socket. Re-stamps the slot on the Redis clock, or, when
   * it aged out or a 429 pause began while the caller was between grant and send, drops it and waits for
   * a new one. Resolves with the slot to send on and when the confirmation that stamped it was asked for:
   * the caller measures from there, because its own continuation may run late (other callbacks, a
   * stalled event loop). Rejects with the signal's reason on abort.
   */
  async confirm(slot: string, signal?: AbortSignal): Promise<Confirmed> {
    let current = slot;
    for (;;) {
      signal?.throwIfAborted();
      const askedAt = performance.now();
      const { keys, args } = this.confirmInput(current);
      const lost = Number(await CONFIRM.run(this.redis, keys, args));
      if (!lost) return { slot: current, askedAt };
      this.onSlotLost?.({ ageMs: Date.now() - grantedAt(current) });
      current = await this.acquire(signal);
    }
  }

  /**
   * What the confirmation (rateConfirm-2) is given for `slot`; the breaker's pass runs it in the same
   * round trip (circuit-breaker.ts admitAndConfirm), and {@link confirm} is asked only when that lost it.
   */
  confirmInput(slot: string): { keys: string[]; args: (string | number)[] } {
    return { keys: [this.keys.rate, this.keys.pause], args: [slot, this.windowMs, this.keepMs] };
  }

  /** One attempt: 0 when granted (the slot `<id>:1` is taken), otherwise the ms to wait. */
  async tryAcquire(id = randomBytes(6).toString('hex')): Promise<number> {
    const { granted, waitMs } = await this.tryAcquireMany(id, 1);
    return granted === 1 ? 0 : waitMs;
  }

  /** One attempt for up to `wanted` slots, `<id>:1` … `<id>:<granted>`; when short, the ms to wait. */
  async tryAcquireMany(id: string, wanted: number): Promise<{ granted: number; waitMs: number }> {
    const limit = this.governor ? Math.max(1, Math.floor(this.governor.ratePerSec)) : this.limit;
    const keys = [this.keys.rate, this.keys.pause, this.keys.rateSlots];
    const mode = this.governor ? 'adaptive' : 'fixed';
    const args = [limit, this.windowMs, id, mode, wanted, this.keepMs];
    const answer = (await ACQUIRE.run(this.redis, keys, args)) as [number, number];
    return { granted: Number(answer[0]), waitMs: Number(answer[1]) };
  }

  /**
   * The slot's request has just been written to a connected socket: count the slot from now. Between the
   * grant and this moment lie the HTTP pool and, on a cold connection, a TCP/TLS handshake that can take
   * far longer than the safety margin; without this a slow first request could share a second with a
   * whole window's worth of later ones.
   */
  async markSent(slot: string): Promise<void> {
    await MARK_SENT.run(this.redis, [this.keys.rate], [slot, this.keepMs]);
  }

  /** A granted slot whose request will not be sent (its caller's gate closed): back to the budget. */
  async giveBack(slot: string): Promise<void> {
    await this.redis.zrem(this.keys.rate, slot);
  }

  /**
   * What EnKash answered (status null: no answer), for the adaptive rate. `sent`: the slot the request
   * went on, and how long after its confirmation was asked for the answer came: for the margin's floor,
   * and to count the slot later by however much later than the floor its answer came (rateLate-1).
   */
  noteAnswer(answer: AnswerNote, sent?: { slot: string; sinceStampMs: number; bulk?: boolean }): void {
    this.governor?.noteAnswer(answer, sent?.sinceStampMs);
    if (!sent || answer.status === null) return;
    const now = performance.now();
    if (!sent.bulk) this.margin.note(sent.sinceStampMs, now, ownLoopLagged(now));
    // Lateness within half the smallest margin is the margin's (a round trip per turn of the event loop
    // for it was ~0.5 Redis commands per row against an unlimited EnKash).
    const lateMs = Math.floor(sent.sinceStampMs - this.margin.floorMs);
    if (lateMs >= MIN_MARGIN_MS / 2) this.countLater(sent.slot, lateMs);
  }

  /** Moves slots later in the log, every answer of one turn of the event loop in one round trip. */
  private countLater(slot: string, ms: number): void {
    this.late.push(slot, ms);
    if (this.late.length > 2) return;
    setImmediate(() => {
      const pairs = this.late.splice(0);
      // Lost only with Redis away, when no slot is granted either.
      void LATE.run(this.redis, [this.keys.rate], [this.keepMs, ...pairs]).catch(() => undefined);
    });
  }

  /**
   * No request from any process before `epochMs` (read on the Redis clock). Only ever extends a pause.
   * Returns the pause now in force.
   */
  async pauseUntil(epochMs: number): Promise<number> {
    return Number(await PAUSE.run(this.redis, [this.keys.pause], [Math.ceil(epochMs), 'absolute']));
  }

  /**
   * Like {@link pauseUntil} with the end computed on the Redis clock, so a process whose clock is off
   * cannot shorten or stretch a Retry-After.
   */
  async pauseFor(ms: number): Promise<number> {
    return Number(await PAUSE.run(this.redis, [this.keys.pause], [Math.ceil(ms), 'relative']));
  }

  /** Epoch ms (Redis clock) of the pause in force, 0 when none. */
  async pausedUntil(): Promise<number> {
    return Number((await this.redis.get(this.keys.pause)) ?? 0);
  }
}
