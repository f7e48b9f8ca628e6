/**
 * The typed EnKash AR customer client. Every call: a token (shared by all processes), a connection permit
 * and a rate slot (shared budget), the request under a timeout, the answer validated by contract.ts.
 * A 401 is answered by one fresh token and one more try; a 429 pauses every process and is thrown.
 * Other retries belong to the sync engine, as its row-error policy decides (src/sync/row-error-policy.ts).
 */
import { z } from 'zod';
import type { Config } from '../config.js';
import {
  API_PATHS,
  CustomerResponseSchema,
  SearchPayloadSchema,
  envelopeSchema,
  fillPath,
  type CustomerCreate,
  type CustomerResponse,
  type CustomerSearch,
  type CustomerUpdate,
  type ErrorResponse,
  type Operation,
} from '../contract/enkash-api.js';
import {
  badResponse,
  describeIssues,
  errorFromResponse,
  errorFromTransport,
  headerRequestId,
  isEnkashError,
  isSuccess,
  notSentError,
} from './errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { HttpTransport, type HttpAnswer, type HttpMethod } from './http-transport.js';
import type { RateGovernor, RateStatus } from './rate-governor.js';
import { startRateBudget, type RateBudgetDeps } from './rate-budget.js';
import type { RateLimiter } from './rate-limiter.js';
import { TokenProvider, type TokenSealer } from './token-provider.js';

/** One HTTP exchange, for metrics. `status` is null when no HTTP answer came (timeout, network). */
export type CallRecord = { operation: Operation; status: number | null; durationMs: number };

export type FixedRateStatus = { ratePerSec: number; ceilingPerSec: number; phase: 'fixed' };

export type EnkashResult<T> = { payload: T; requestId: string; httpStatus: number };
export type CallOptions = {
  /** Aborts the call, even one already sent (its outcome is then unknown). */
  signal?: AbortSignal;
  /**
   * Stops the call only before it is sent (src/enkash/http-transport.ts): it then fails NOT_SENT
   * (errors.ts isNotSent) and nothing of it reached EnKash. A call already written finishes.
   */
  gate?: AbortSignal;
};
export type SearchPage = { limit: number; offset: number; orderBy?: string; direction?: 'ASC' | 'DESC' };
export type SearchResult = { data: CustomerResponse[]; recordsCount: number };
/** The page is both the payload and spread at the top level, so `page.data` reads naturally. */
export type SearchAnswer = EnkashResult<SearchResult> & SearchResult;

export type EnkashClientDeps = RateBudgetDeps & {
  onCall?: (call: CallRecord) => void;
  /** Seals the shared OAuth token in Redis (the App passes its DATA_KEY sealer). */
  sealer?: TokenSealer;
};

type Envelope<P> = { errorResponse?: ErrorResponse | null; payload?: P | null };

type CallSpec<P> = {
  operation: Exclude<Operation, 'token'>;
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  envelope: z.ZodType<Envelope<P>>;
  /** A 2xx with no payload is unreadable (we would not know what EnKash did). */
  payloadRequired: boolean;
  /** Many records in the answer: HttpRequest.bulk. */
  bulk?: boolean;
};

/** A search page longer than this is a bulk read (the snapshot's): HttpRequest.bulk. */
const BULK_PAGE = 100;

// Built once: zod compiles a schema on its first parse.
const ENVELOPES = {
  customer: envelopeSchema(CustomerResponseSchema),
  search: envelopeSchema(SearchPayloadSchema),
  // The activate/deactivate/delete payloads are not published (delete: "a string"); nothing is read
  // from them, so any payload is accepted.
  any: envelopeSchema(z.unknown()),
};

export class EnkashClient {
  readonly limiter: RateLimiter;
  /** The adaptive rate; undefined when ENKASH_RATE_ADAPTIVE=false. */
  readonly governor: RateGovernor | undefined;
  readonly breaker: CircuitBreaker;
  readonly tokens: TokenProvider;
  private readonly transport: HttpTransport;
  private readonly config: Config['enkash'];

  /** While EnKash is down for every process: how long its circuit breaker holds calls back. */
  outageWaitMs(): Promise<number | undefined> {
    return this.breaker.outageWaitMs();
  }

  constructor(deps: EnkashClientDeps) {
    const { config, redis, prefix, logger } = deps;
    if (!config.baseUrl) throw new Error('EnkashClient needs an EnKash base URL (ENKASH_BASE_URL)');
    this.config = config;
    ({ governor: this.governor, limiter: this.limiter } = startRateBudget(deps));
    this.breaker = new CircuitBreaker({
      redis,
      prefix,
      threshold: config.breakerThreshold,
      openMs: config.breakerOpenMs,
      maxOpenMs: config.breakerMaxOpenMs,
      // A probe may wait for a rate slot (or a 429 pause) before its own timeout starts.
      probeLeaseMs: config.timeoutMs + 10_000,
      onOpen: ({ openMs, operation }) =>
        logger.warn(
          { event: 'enkash_circuit_open', openMs, operation },
          'EnKash keeps failing: no calls from any process until one probe succeeds',
        ),
      onClose: () => logger.info({ event: 'enkash_circuit_closed' }, 'EnKash answers again: calls resume'),
    });
    this.transport = new HttpTransport({
      baseUrl: config.baseUrl,
      timeoutMs: config.timeoutMs,
      maxConnections: config.maxConnections,
      limiter: this.limiter,
      breaker: this.breaker,
      onExchange: (exchange) => {
        // No ids, bodies or values here: only what a metric needs.
        logger.debug({ event: 'enkash call', ...exchange }, 'enkash call');
        deps.onCall?.({
          operation: exchange.operation as Operation,
          status: exchange.status,
          durationMs: exchange.durationMs,
        });
      },
    });
    this.tokens = new TokenProvider({
      config,
      redis,
      prefix,
      transport: this.transport,
      logger,
      ...(deps.sealer ? { sealer: deps.sealer } : {}),
    });
  }

  /** `companyId` defaults to the account's company (createCustomer body, seed 000). */
  createCustomer(body: CustomerCreate, options: CallOptions = {}): Promise<EnkashResult<CustomerResponse>> {
    return this.call(
      {
        operation: 'create',
        method: 'POST',
        path: API_PATHS.create,
        body: { ...body, companyId: body.companyId ?? this.config.companyId },
        envelope: ENVELOPES.customer,
        payloadRequired: true,
      },
      options,
    );
  }

  /**
   * The filter is sent as given: the token already scopes the account, and a filter we added on our own
   * (companyId, parentCompanyId) that EnKash read differently would hide customers and lead to duplicates.
   */
  async searchCustomers(
    filter: CustomerSearch,
    page: SearchPage,
    options: CallOptions = {},
  ): Promise<SearchAnswer> {
    const result = await this.call(
      {
        operation: 'search',
        method: 'POST',
        path: API_PATHS.search,
        query: { limit: page.limit, offset: page.offset, orderBy: page.orderBy, direction: page.direction },
        body: filter,
        envelope: ENVELOPES.search,
        payloadRequired: true,
        bulk: page.limit > BULK_PAGE,
      },
      options,
    );
    const data = result.payload.data ?? [];
    const found = { data, recordsCount: result.payload.recordsCount ?? data.length };
    return { ...found, payload: found, requestId: result.requestId, httpStatus: result.httpStatus };
  }

  /** JSON drops `undefined` and keeps `null`: absent = leave as is, null = clear (JsonNullable). */
  updateCustomer(
    customerId: string,
    body: CustomerUpdate,
    options: CallOptions = {},
  ): Promise<EnkashResult<CustomerResponse>> {
    return this.call(
      {
        operation: 'update',
        method: 'PATCH',
        path: fillPath(API_PATHS.update, customerId),
        query: this.parentQuery(),
        body,
        envelope: ENVELOPES.customer,
        payloadRequired: true,
      },
      options,
    );
  }

  activateCustomer(customerId: string, options: CallOptions = {}): Promise<EnkashResult<unknown>> {
    return this.simple('activate', 'PUT', fillPath(API_PATHS.activate, customerId), options);
  }

  deactivateCustomer(customerId: string, options: CallOptions = {}): Promise<EnkashResult<unknown>> {
    return this.simple('deactivate', 'PUT', fillPath(this.config.deactivatePath, customerId), options);
  }

  deleteCustomer(customerId: string, options: CallOptions = {}): Promise<EnkashResult<unknown>> {
    return this.simple('delete', 'DELETE', fillPath(API_PATHS.delete, customerId), options);
  }

  /**
   * The EnKash request rate as every process shares it: the adaptive rate's state, or the fixed rate
   * (phase 'fixed') when ENKASH_RATE_ADAPTIVE=false.
   */
  async rateStatus(): Promise<RateStatus | FixedRateStatus> {
    if (this.governor) return this.governor.read();
    return { ratePerSec: this.limiter.limit, ceilingPerSec: this.limiter.limit, phase: 'fixed' };
  }

  /**
   * Gets a worker ready before its first row: the shared token read, or fetched when there is none (one
   * call a day per deployment), so the first import's first call does not wait ~2 round trips for it.
   * Resolves false when it could not: the first call then tries again and reports why.
   */
  async warmUp(signal?: AbortSignal): Promise<boolean> {
    return this.tokens.getToken(signal).then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {
    await this.governor?.stop();
    await this.transport.close();
  }

  private simple(
    operation: 'activate' | 'deactivate' | 'delete',
    method: HttpMethod,
    path: string,
    options: CallOptions,
  ): Promise<EnkashResult<unknown>> {
    const spec = { operation, method, path, query: this.parentQuery(), envelope: ENVELOPES.any };
    return this.call({ ...spec, payloadRequired: false }, options);
  }

  private parentQuery() {
    return { parentCompanyId: this.config.parentCompanyId };
  }

  private async call<P>(spec: CallSpec<P>, options: CallOptions): Promise<EnkashResult<P>> {
    const { signal, gate } = options;
    if (gate?.aborted) throw notSentError(spec.operation, gate.reason);
    let token = await this.token(() => this.tokens.getToken(signal), spec.operation, signal);
    let answer = await this.send(spec, token, options);
    if (answer.status === 401) {
      // A 401 is EnKash refusing the token before doing anything, so even a create is safe to repeat once.
      const rejected = token;
      token = await this.token(() => this.tokens.replaceRejected(rejected, signal), spec.operation, signal);
      answer = await this.send(spec, token, options);
    }
    return this.read(spec, answer);
  }

  private send(spec: CallSpec<unknown>, token: string, { signal, gate }: CallOptions) {
    return this.transport.send({
      operation: spec.operation,
      method: spec.method,
      path: spec.path,
      ...(spec.query ? { query: spec.query } : {}),
      headers: {
        authorization: `Bearer ${token}`,
        ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      nonIdempotent: spec.operation === 'create',
      ...(spec.bulk ? { bulk: true } : {}),
      ...(signal ? { signal } : {}),
      ...(gate ? { gate } : {}),
    });
  }

  /** Token lookups aborted by the caller become the same ABORTED error as an aborted call. */
  private async token(
    get: () => Promise<string>,
    operation: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    try {
      return await get();
    } catch (cause) {
      if (isEnkashError(cause) || !signal?.aborted) throw cause;
      throw errorFromTransport({ operation, cause, timedOut: false, aborted: true, nonIdempotent: false });
    }
  }

  private read<P>(spec: CallSpec<P>, answer: HttpAnswer): EnkashResult<P> {
    const facts = {
      operation: spec.operation,
      status: answer.status,
      headers: answer.headers,
      nonIdempotent: spec.operation === 'create',
    };
    if (!isSuccess(answer.status))
      throw errorFromResponse({ ...facts, body: answer.body, nowMs: Date.now() });
    const parsed = spec.envelope.safeParse(answer.body);
    if (!parsed.success) {
      throw badResponse({ ...facts, problem: describeIssues(parsed.error) });
    }
    const envelope = parsed.data;
    const { payload } = envelope;
    if (payload === null || payload === undefined) {
      if (envelope.errorResponse?.errorType) {
        throw errorFromResponse({ ...facts, body: answer.body, nowMs: Date.now() });
      }
      if (spec.payloadRequired) throw badResponse({ ...facts, problem: 'no payload' });
    }
    const requestId = envelope.errorResponse?.requestId || headerRequestId(answer.headers);
    // Only activate/deactivate/delete (payload `unknown`) get here without one.
    return { payload: payload as P, requestId, httpStatus: answer.status };
  }
}
