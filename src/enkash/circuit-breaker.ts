/**
 * A circuit breaker for EnKash, shared by every process of a deployment through Redis.
 *
 * When EnKash is down (every call a 5xx or a timeout), retrying each row on its own backoff still sends
 * one doomed call per row per attempt, from every process, and each waits out a timeout. The breaker
 * stops that:
 * - closed: calls go. Each retryable failure (5xx, 408, timeout, network error) adds one to a shared
 *   count of consecutive failures; any HTTP answer that is not one of those (2xx, 4xx, 429) resets it.
 * - open: after `threshold` consecutive failures no process sends anything for `openMs`; callers get a
 *   CIRCUIT_OPEN error (retryable, with `retryAfterMs`) at once, without a connection or a rate slot.
 * - half-open: once the open time has passed, exactly one call from one process (a lease taken with
 *   SET NX) goes as a probe. Success closes the breaker for everybody; failure reopens it for twice as
 *   long as the last time, up to `maxOpenMs`. Late failures of calls sent before the trip change nothing.
 *
 * State and clock are Redis's (hash `breaker`, string `breaker:probe`), like the 429 pause: processes
 * whose clocks disagree still open and close together. A crashed probe's lease expires on its own.
 * opossum and cockatiel, the maintained Node breakers, keep their state per process (opossum#675,
 * cockatiel#89): with N processes EnKash would take N × threshold failures and N probes at a time.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { releaseOwned } from '../redis/owned-key.js';
import { RedisScript } from '../redis/redis-script.js';
import { EnkashError } from './errors.js';
import { enkashKeys } from './keys.js';

const CHECK = RedisScript.load('breakerCheck-2');
const ADMIT = RedisScript.load('breakerAdmit-2');
const ADMIT_CONFIRM = RedisScript.load('admitConfirm-4');
const SUCCESS = RedisScript.load('breakerSuccess-2');
const FAILURE = RedisScript.load('breakerFailure-2');

export type CircuitBreakerOptions = {
  redis: Redis;
  prefix: string;
  /** Consecutive retryable failures that open the breaker; 0 turns it off. */
  threshold: number;
  /** How long the first opening lasts; each failed probe doubles it. */
  openMs: number;
  maxOpenMs: number;
  /** The probe's lease: longer than one call can take (its wait for a rate slot, then its timeout). */
  probeLeaseMs: number;
  onOpen?: (event: { openMs: number; operation: string }) => void;
  onClose?: () => void;
};

/**
 * What a caller holds while its call is in flight; report the outcome with {@link CircuitBreaker.settle}.
 * `clean`: no failure was counted when it was given (its success has nothing to reset).
 */
export type Pass = { owner: string; probe: boolean; clean?: boolean };

/** How long a closed verdict of {@link CircuitBreaker.check} is reused by this process. */
const CHECK_REUSE_MS = 100;

export type Outcome = 'success' | 'failure' | 'neutral';

/** The keys and arguments of another script's step, run in the same round trip. */
export type ScriptInput = { keys: string[]; args: (string | number)[] };

/** How long a refused caller waits while another process's probe is in flight, at most. */
const HALF_OPEN_WAIT_MS = 500;

export class CircuitBreaker {
  private readonly keys: { state: string; probe: string };
  /** performance.now() until which {@link check} passes without asking Redis. */
  private closedUntil = 0;
  /** The check in flight: the calls that need one meanwhile share its answer. */
  private checking: Promise<number> | undefined;
  /** Pass owners: this process's random id and a count (unique without asking for random bytes per call). */
  private readonly ownerPrefix = randomBytes(8).toString('hex');
  private passes = 0;

  constructor(private readonly options: CircuitBreakerOptions) {
    const base = enkashKeys(options.prefix);
    this.keys = { state: base.breaker, probe: base.breakerProbe };
  }

  get enabled(): boolean {
    return this.options.threshold > 0;
  }

  /**
   * Cheap early refusal, before a call waits for a connection and a rate slot: throws CIRCUIT_OPEN while
   * open or while another call is the probe. Takes nothing; the pass is {@link admit}'s.
   */
  async check(operation: string): Promise<void> {
    if (!this.enabled) return;
    // Advice only ({@link admit} decides): a closed verdict is reused for CHECK_REUSE_MS, not asked per
    // call, and the calls that arrive while it is asked wait for its answer.
    if (performance.now() < this.closedUntil) return;
    this.checking ??= this.askCheck().finally(() => {
      this.checking = undefined;
    });
    const waitMs = await this.checking;
    if (waitMs > 0) throw circuitOpenError(operation, waitMs);
  }

  private async askCheck(): Promise<number> {
    const keys = [this.keys.state, this.keys.probe];
    const waitMs = Number(await CHECK.run(this.options.redis, keys, [HALF_OPEN_WAIT_MS]));
    if (waitMs <= 0) this.closedUntil = performance.now() + CHECK_REUSE_MS;
    return waitMs;
  }

  /**
   * A pass to send one call now, or a CIRCUIT_OPEN error (retryable, `retryAfterMs` set) when refused.
   * Ask for it as late as possible, right before sending.
   */
  async admit(operation: string): Promise<Pass> {
    const owner = this.newOwner();
    if (!this.enabled) return { owner, probe: false };
    const keys = [this.keys.state, this.keys.probe];
    const verdict = Number(await ADMIT.run(this.options.redis, keys, this.admitArgs(owner)));
    return this.passOf(verdict, owner, operation);
  }

  /**
   * {@link admit}, and once the pass is given the call's rate slot confirmed in the same round trip
   * (`slot`: what the limiter's confirmation is given, RateLimiter.confirmInput). `confirmed` false: the
   * slot aged out or a pause began (the limiter's confirm replaces it), or the breaker is off.
   */
  async admitAndConfirm(operation: string, slot: ScriptInput): Promise<{ pass: Pass; confirmed: boolean }> {
    const owner = this.newOwner();
    if (!this.enabled) return { pass: { owner, probe: false }, confirmed: false };
    const keys = [this.keys.state, this.keys.probe, ...slot.keys];
    const args = [...this.admitArgs(owner), ...slot.args];
    const [verdict, lost] = (await ADMIT_CONFIRM.run(this.options.redis, keys, args)) as [number, number];
    return { pass: this.passOf(Number(verdict), owner, operation), confirmed: Number(lost) === 0 };
  }

  private newOwner(): string {
    return `${this.ownerPrefix}-${(this.passes += 1).toString(36)}`;
  }

  private admitArgs(owner: string): (string | number)[] {
    return [owner, this.options.probeLeaseMs, HALF_OPEN_WAIT_MS];
  }

  private passOf(verdict: number, owner: string, operation: string): Pass {
    if (verdict > 0) {
      this.closedUntil = 0;
      throw circuitOpenError(operation, verdict);
    }
    return { owner, probe: verdict === -1, clean: verdict === 0 };
  }

  /**
   * The call's outcome: `failure` for a 5xx, 408, timeout or network error; `success` for any other HTTP
   * answer (EnKash is up, even when it refuses the request); `neutral` when we learnt nothing (the caller
   * aborted, the request was never sent).
   */
  async settle(pass: Pass, outcome: Outcome, operation: string): Promise<void> {
    if (!this.enabled) return;
    const { redis } = this.options;
    const keys = [this.keys.state, this.keys.probe];
    if (outcome === 'success') {
      // Nothing was counted when the call was let through: nothing to reset, no round trip. (A failure
      // another call records meanwhile is reset by the next success let through after it.)
      if (pass.clean) return;
      if (Number(await SUCCESS.run(redis, keys, [pass.owner])) === 1) this.options.onClose?.();
    } else if (outcome === 'failure') {
      this.closedUntil = 0;
      const { threshold, openMs, maxOpenMs } = this.options;
      const ttlMs = maxOpenMs * 2 + 60_000;
      const [waitMs, opened] = (await FAILURE.run(redis, keys, [
        pass.owner,
        threshold,
        openMs,
        maxOpenMs,
        ttlMs,
      ])) as [number, number];
      if (opened === 1) this.options.onOpen?.({ openMs: Number(waitMs), operation });
    } else if (pass.probe) {
      await releaseOwned(redis, this.keys.probe, pass.owner);
    }
  }

  /** Ms before the breaker lets a probe through; 0 when closed or half-open. */
  async openForMs(): Promise<number> {
    if (!this.enabled) return 0;
    const [openUntil, time] = await Promise.all([
      this.options.redis.hget(this.keys.state, 'openUntil'),
      this.options.redis.time(),
    ]);
    if (!openUntil) return 0;
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    return Math.max(0, Number(openUntil) - now);
  }

  /**
   * While the breaker has tripped and not closed again: ms until it lets a probe through (0 when
   * half-open: a probe may be in flight). Undefined when it is closed, or when Redis cannot tell.
   */
  async outageWaitMs(): Promise<number | undefined> {
    try {
      return (await this.tripped()) ? await this.openForMs() : undefined;
    } catch {
      return undefined;
    }
  }

  /** Whether the breaker has tripped and not yet closed again (open or half-open). */
  async tripped(): Promise<boolean> {
    if (!this.enabled) return false;
    return (await this.options.redis.hexists(this.keys.state, 'openUntil')) === 1;
  }
}

export function circuitOpenError(operation: string, retryAfterMs: number): EnkashError {
  return new EnkashError({
    kind: 'retryable',
    operation,
    httpStatus: null,
    errorType: 'CIRCUIT_OPEN',
    retryAfterMs,
    mayHaveCommitted: false,
    message:
      `EnKash ${operation}: not sent, EnKash has been failing; ` +
      `the circuit breaker lets calls through again in ${retryAfterMs} ms`,
  });
}

export function isCircuitOpen(err: unknown): err is EnkashError {
  return err instanceof EnkashError && err.errorType === 'CIRCUIT_OPEN';
}
