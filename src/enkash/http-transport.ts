/**
 * One HTTP exchange with EnKash, in the order that keeps the rate guarantee: a connection permit first
 * (so the request never queues inside the pool after its slot is granted), then a rate-limiter slot, then
 * the circuit breaker's pass (refused while EnKash is known to be down; also checked before the wait)
 * and, in the same round trip, the slot's confirmation (rate-limiter.ts: a slot that aged out while this
 * call was between grant and send is replaced), then the request under its own timeout, dispatched in the
 * same tick as the confirmation. A 429 pauses every process before the error reaches the caller.
 *
 * A request's `gate` (its import was cancelled: src/sync/cancel-watch.ts) only stops sending: it is
 * checked while the call waits for its permit and slot, and right before dispatch. A call it stops is
 * NOT_SENT (errors.ts notSentError) and its slot goes back to the budget; a request already written is
 * never aborted by it (a create's outcome is known only from its answer).
 */
import { Pool } from 'undici';
import type { CircuitBreaker, Outcome, Pass } from './circuit-breaker.js';
import {
  DEFAULT_RETRY_AFTER_MS,
  errorFromTransport,
  isEnkashError,
  isNotSent,
  notSentError,
  parseRetryAfter,
} from './errors.js';
import type { Confirmed, RateLimiter } from './rate-limiter.js';
import { Semaphore } from './semaphore.js';
import { LinkedSignal } from './linked-signal.js';
import { exchangeOnce, NotWritten, parseJson, queryString } from './undici-exchange.js';

/** Requests withdrawn unwritten (their slot went stale while connecting) before one is sent anyway. */
const WITHDRAWALS = 2;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type HttpRequest = {
  operation: string;
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: string;
  /** A call that must not be repeated blindly (create): failures say whether it may have committed. */
  nonIdempotent: boolean;
  signal?: AbortSignal;
  /** Stops the call before it is sent (never once written): NOT_SENT. See the file comment. */
  gate?: AbortSignal;
  /**
   * The answer carries many records (a snapshot's page of 5,000): its time is the far end's work, not
   * congestion, so it stays out of the adaptive rate's latency and the margin's spread (its slot is
   * still moved by however late it came back).
   */
  bulk?: boolean;
};

export type HttpAnswer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  body: unknown;
};

export type Exchange = { operation: string; status: number | null; durationMs: number; waitedMs: number };

export type HttpTransportOptions = {
  baseUrl: string;
  timeoutMs: number;
  maxConnections: number;
  limiter: RateLimiter;
  /** Absent: no breaker (every call is sent). */
  breaker?: CircuitBreaker;
  onExchange?: (exchange: Exchange) => void;
};

export class HttpTransport {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly permits: Semaphore;

  constructor(private readonly options: HttpTransportOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.permits = new Semaphore(options.maxConnections);
    // undici's own timeouts sit above ours so that a slow answer is always reported as our TIMEOUT.
    const slack = options.timeoutMs + 1_000;
    this.pool = new Pool(url.origin, {
      connections: options.maxConnections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: slack,
      bodyTimeout: slack,
      connect: { timeout: options.timeoutMs },
    });
  }

  async send(request: HttpRequest): Promise<HttpAnswer> {
    const { breaker } = this.options;
    this.checkGate(request);
    // While the breaker is open a call is refused at once, without waiting for a permit or a slot.
    if (breaker) await this.precheck(breaker, request.operation);
    const queuedAt = performance.now();
    let pass: Pass | undefined;
    let outcome: Outcome = 'neutral';
    try {
      const { release, slot } = await this.waitTurn(request);
      try {
        // The pass that counts is taken last, just before sending: the breaker may have opened while
        // this call waited for its turn (with a rate budget, a whole window of calls waits there).
        let confirmed: Confirmed | undefined;
        if (breaker) ({ pass, confirmed } = await this.admit(breaker, request.operation, slot));
        const answer = await this.exchangeTimed(request, slot, queuedAt, confirmed);
        outcome = answer.status === 408 || answer.status >= 500 ? 'failure' : 'success';
        return answer;
      } catch (err) {
        if (isEnkashError(err) && (err.errorType === 'TIMEOUT' || err.errorType === 'NETWORK_ERROR'))
          outcome = 'failure';
        throw err;
      } finally {
        // A failure is counted before the permit passes to a waiting call, so that call finds the breaker
        // open if this failure opened it. Successes release first: nothing waits on them.
        if (outcome === 'failure' && breaker && pass) {
          await this.settle(breaker, pass, outcome, request.operation);
          pass = undefined;
        }
        release();
      }
    } finally {
      if (breaker && pass) await this.settle(breaker, pass, outcome, request.operation);
    }
  }

  /** Refused while open (CIRCUIT_OPEN); if Redis cannot be asked, the call goes (the breaker is advice). */
  private async precheck(breaker: CircuitBreaker, operation: string): Promise<void> {
    try {
      await breaker.check(operation);
    } catch (err) {
      if (isEnkashError(err)) throw err;
    }
  }

  /**
   * The pass, with the slot's confirmation in the same round trip (absent: the slot is to be confirmed
   * on its own, it was lost). If Redis cannot be asked, the call goes without a pass.
   */
  private async admit(
    breaker: CircuitBreaker,
    operation: string,
    slot: string,
  ): Promise<{ pass?: Pass; confirmed?: Confirmed }> {
    const askedAt = performance.now();
    try {
      const admitted = await breaker.admitAndConfirm(operation, this.options.limiter.confirmInput(slot));
      return admitted.confirmed
        ? { pass: admitted.pass, confirmed: { slot, askedAt } }
        : { pass: admitted.pass };
    } catch (err) {
      if (isEnkashError(err)) throw err;
      return {};
    }
  }

  private async settle(breaker: CircuitBreaker, pass: Pass, outcome: Outcome, operation: string) {
    // The breaker is advice: a Redis hiccup here must not turn an answer into an error.
    await breaker.settle(pass, outcome, operation).catch(() => undefined);
  }

  private async exchangeTimed(
    request: HttpRequest,
    slot: string,
    queuedAt: number,
    confirmed?: Confirmed,
  ): Promise<HttpAnswer> {
    const startedAt = performance.now();
    const { limiter } = this.options;
    let status: number | null = null;
    let sent = true;
    try {
      const { answer, stampAskedAt, sentOn } = await this.exchange(request, slot, confirmed);
      status = answer.status;
      const now = performance.now();
      const latencyMs = now - startedAt;
      const sent = { slot: sentOn, sinceStampMs: now - stampAskedAt, bulk: request.bulk === true };
      const timed = request.bulk ? {} : { latencyMs };
      if (answer.status === 429) {
        const retryAfterMs =
          parseRetryAfter(answer.headers['retry-after'], Date.now()) ?? DEFAULT_RETRY_AFTER_MS;
        limiter.noteAnswer({ status, ...timed, retryAfterMs }, sent);
        await limiter.pauseFor(retryAfterMs);
      } else {
        limiter.noteAnswer({ status, ...timed }, sent);
      }
      return answer;
    } catch (err) {
      sent = !isNotSent(err);
      // No answer: EnKash too slow or unreachable, as the adaptive rate counts a 5xx.
      if (isEnkashError(err) && (err.errorType === 'TIMEOUT' || err.errorType === 'NETWORK_ERROR'))
        limiter.noteAnswer({ status: null, latencyMs: performance.now() - startedAt });
      throw err;
    } finally {
      if (sent)
        this.options.onExchange?.({
          operation: request.operation,
          status,
          durationMs: Math.round(performance.now() - startedAt),
          waitedMs: Math.round(startedAt - queuedAt),
        });
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Permit, then slot. An abort (or the gate) here means nothing was sent. */
  private async waitTurn(request: HttpRequest): Promise<{ release: () => void; slot: string }> {
    const waits = waitSignal(request);
    const { signal } = waits;
    try {
      const release = await this.permits.acquire(signal).catch((cause: unknown) => {
        throw this.notSent(request, cause);
      });
      try {
        return { release, slot: await this.options.limiter.acquire(signal) };
      } catch (cause) {
        release();
        if (signal?.aborted) throw this.notSent(request, cause);
        throw cause;
      }
    } finally {
      waits.dispose();
    }
  }

  /** Refuses a call whose gate has closed: nothing of it has been written. */
  private checkGate(request: HttpRequest): void {
    if (request.gate?.aborted) throw notSentError(request.operation, request.gate.reason);
  }

  /**
   * Confirms the slot (unless the breaker's pass just did: `first`), then dispatches with nothing awaited
   * in between. A confirmation that has gone stale by then is asked again; one that goes stale before the
   * request is written (a slow connect, a stalled event loop) withdraws the request unwritten (undici then
   * drops the connection), and it starts again from a new slot. After WITHDRAWALS of those the connection
   * is what is slow, not this process: the request goes, re-stamped as it leaves.
   */
  private async exchange(
    request: HttpRequest,
    granted: string,
    first?: Confirmed,
  ): Promise<{ answer: HttpAnswer; stampAskedAt: number; sentOn: string }> {
    const { limiter } = this.options;
    let slot = granted;
    let gated = false;
    // A call its gate stopped gives its slot back: the budget did not spend it.
    const refuse = () => {
      void limiter.giveBack(slot).catch(() => undefined);
      return notSentError(request.operation, request.gate?.reason);
    };
    let pending = first;
    for (let withdrawn = 0; ; withdrawn += 1) {
      const confirmed = await this.confirm(request, slot, pending).catch((cause: unknown) => {
        if (request.gate?.aborted && !request.signal?.aborted) throw refuse();
        throw this.notSent(request, cause);
      });
      pending = undefined;
      slot = confirmed.slot;
      if (request.gate?.aborted) throw refuse();
      const age = () => performance.now() - confirmed.askedAt;
      if (age() > limiter.staleMs) continue;
      const beforeWrite = () => {
        if (request.gate?.aborted) {
          gated = true;
          return false;
        }
        const ageMs = age();
        if (ageMs > limiter.staleMs && withdrawn < WITHDRAWALS) return false;
        if (ageMs > limiter.freshMs) void limiter.markSent(slot).catch(() => undefined);
        return true;
      };
      try {
        const answer = await this.exchangeOnce(request, beforeWrite);
        return { answer, stampAskedAt: confirmed.askedAt, sentOn: slot };
      } catch (err) {
        if (!(err instanceof NotWritten)) throw err;
        if (gated) throw refuse();
      }
    }
  }

  /** The slot's confirmation: `done` when already made; an abort of the call's waits means not sent. */
  private async confirm(request: HttpRequest, slot: string, done: Confirmed | undefined): Promise<Confirmed> {
    if (!done) {
      const waits = waitSignal(request);
      return this.options.limiter.confirm(slot, waits.signal).finally(() => waits.dispose());
    }
    if (request.signal?.aborted) throw request.signal.reason;
    if (request.gate?.aborted) throw request.gate.reason;
    return done;
  }

  private async exchangeOnce(request: HttpRequest, beforeWrite: () => boolean): Promise<HttpAnswer> {
    // The timeout starts after the slot is confirmed: a wait imposed by the budget or a 429 is not EnKash
    // being slow.
    let timedOut = false;
    try {
      const res = await exchangeOnce(
        this.pool,
        {
          method: request.method,
          path: this.basePath + request.path + queryString(request.query),
          headers: { accept: 'application/json', ...request.headers },
          body: request.body ?? null,
        },
        {
          signal: request.signal,
          timeoutMs: this.options.timeoutMs,
          onTimeout: () => (timedOut = true),
          beforeWrite,
        },
      );
      return { status: res.status, headers: res.headers, body: parseJson(res.text) };
    } catch (cause) {
      if (cause instanceof NotWritten) throw cause;
      throw errorFromTransport({
        operation: request.operation,
        cause,
        timedOut,
        aborted: request.signal?.aborted === true && !timedOut,
        nonIdempotent: request.nonIdempotent,
      });
    }
  }

  private notSent(request: HttpRequest, cause: unknown) {
    if (request.gate?.aborted && !request.signal?.aborted)
      return notSentError(request.operation, request.gate.reason);
    return errorFromTransport({
      operation: request.operation,
      cause,
      timedOut: false,
      aborted: true,
      nonIdempotent: false,
    });
  }
}

/** What a call's waits (permit, slot, confirmation) listen to: its signal and its gate. Dispose after. */
function waitSignal(request: HttpRequest): { signal: AbortSignal | undefined; dispose(): void } {
  const { signal, gate } = request;
  if (!gate || !signal) return { signal: gate ?? signal, dispose: () => undefined };
  return new LinkedSignal([signal, gate]);
}
