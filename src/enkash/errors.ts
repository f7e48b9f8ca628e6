/**
 * Every way an EnKash call can fail, classified by ONE table each for HTTP statuses and network error
 * codes, so that retrying is a lookup and never an `if` somewhere in a caller.
 *
 * Terminology:
 * - kind: what a caller may do next. `permanent`: the same request will fail again (fix the data);
 *   `retryable`: try again later with backoff; `rate-limited`: try again after `retryAfterMs`, every
 *   process included; `auth`: credentials or token refused, retrying will not help until a human acts.
 * - errorType: EnKash's own `errorType` when its envelope carries one (enkash-api.md, "Response envelope"),
 *   otherwise ours (NETWORK_ERROR, TIMEOUT, RATE_LIMITED, BAD_RESPONSE, …).
 * - mayHaveCommitted: a non-idempotent call (create) may have been carried out even though we got no
 *   usable answer. EnKash has no idempotency key, so a blind retry can create a second customer: the
 *   caller must look the customer up first.
 */
import type { z } from 'zod';
import { maskText } from '../domain/mask.js';
import { ErrorResponseSchema, type EnkashErrorType } from '../contract/enkash-api.js';

export const ERROR_KINDS = ['permanent', 'retryable', 'rate-limited', 'auth'] as const;
export type EnkashErrorKind = (typeof ERROR_KINDS)[number];

export type FieldError = { field: string; message: string; rejectedValue?: unknown };

export type EnkashErrorInit = {
  kind: EnkashErrorKind;
  operation: string;
  httpStatus: number | null;
  errorType: string;
  /** Safe to log: personal data in EnKash's text is masked here. */
  message: string;
  requestId?: string;
  fieldErrors?: FieldError[];
  retryAfterMs?: number;
  mayHaveCommitted?: boolean;
  /** EnKash's `errorMessage` as sent (may hold personal data: for the data owner's report, not logs). */
  remoteMessage?: string;
  cause?: unknown;
};

export class EnkashError extends Error {
  readonly kind: EnkashErrorKind;
  readonly operation: string;
  readonly httpStatus: number | null;
  readonly errorType: string;
  readonly requestId: string;
  readonly fieldErrors: FieldError[];
  readonly retryAfterMs?: number;
  readonly mayHaveCommitted: boolean;
  readonly remoteMessage: string;

  constructor(init: EnkashErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'EnkashError';
    this.kind = init.kind;
    this.operation = init.operation;
    this.httpStatus = init.httpStatus;
    this.errorType = init.errorType;
    this.requestId = init.requestId ?? '';
    this.fieldErrors = init.fieldErrors ?? [];
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    this.mayHaveCommitted = init.mayHaveCommitted ?? false;
    this.remoteMessage = init.remoteMessage ?? '';
  }
}

export function isEnkashError(err: unknown): err is EnkashError {
  return err instanceof EnkashError;
}

type StatusClass = { kind: EnkashErrorKind; errorType: string; mayHaveCommitted?: boolean };

/**
 * HTTP status → class. EnKash documents 400, 401, 403, 404, 422 and 500 without saying which errorType
 * goes with which (enkash-api.md, unknown #4); 408, 429 and the gateway statuses are the web's usual
 * meanings. `mayHaveCommitted` applies to non-idempotent calls only: a 502/504 comes from a gateway that
 * may have passed the request on before giving up, whereas EnKash's own 500/503 says it did not finish.
 */
export const STATUS_CLASSES: Readonly<Record<number, StatusClass>> = {
  400: { kind: 'permanent', errorType: 'VALIDATION_ERROR' },
  401: { kind: 'auth', errorType: 'UNAUTHORIZED' },
  403: { kind: 'auth', errorType: 'INVALID_ACCESS' },
  404: { kind: 'permanent', errorType: 'RECORD_NOT_FOUND' },
  408: { kind: 'retryable', errorType: 'TIMEOUT' },
  422: { kind: 'permanent', errorType: 'UNPROCESSABLE_REQUEST' },
  429: { kind: 'rate-limited', errorType: 'RATE_LIMITED' },
  500: { kind: 'retryable', errorType: 'SYSTEM_ERROR' },
  502: { kind: 'retryable', errorType: 'BAD_GATEWAY', mayHaveCommitted: true },
  503: { kind: 'retryable', errorType: 'SERVICE_UNAVAILABLE' },
  504: { kind: 'retryable', errorType: 'GATEWAY_TIMEOUT', mayHaveCommitted: true },
};

export function statusClass(status: number): StatusClass {
  const listed = STATUS_CLASSES[status];
  if (listed) return listed;
  if (status >= 500) return { kind: 'retryable', errorType: 'SYSTEM_ERROR', mayHaveCommitted: true };
  if (status >= 400) return { kind: 'permanent', errorType: 'CLIENT_REQUEST_ERROR' };
  // 1xx/3xx: we follow no redirects, so an answer we cannot use will not improve by asking again.
  return { kind: 'permanent', errorType: 'BAD_RESPONSE' };
}

/**
 * EnKash errorType → kind, for a 2xx envelope that carries an `errorResponse` and no payload (the envelope
 * allows it; whether EnKash does it is not published).
 */
export const ERROR_TYPE_KINDS: Readonly<Record<EnkashErrorType, EnkashErrorKind>> = {
  CLIENT_REQUEST_ABORT: 'retryable',
  CLIENT_REQUEST_ERROR: 'permanent',
  INVALID_ACCESS: 'auth',
  RECORD_NOT_FOUND: 'permanent',
  SYSTEM_ERROR: 'retryable',
  UNAUTHORIZED: 'auth',
  UNKNOWN_ERROR: 'retryable',
  UNPROCESSABLE_REQUEST: 'permanent',
  VALIDATION_ERROR: 'permanent',
};

/** Network error codes (Node and undici) worth another try: the connection, not the request, failed. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Codes raised before any byte of the request left this machine: nothing can have been committed. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3) → milliseconds from `nowMs`, never
 * negative. Undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Date.parse reads '-3' as a year: an HTTP date always names its day and month.
  const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Exponential backoff with full jitter: uniform in [0, min(maxMs, baseMs·2^(attempt-1))]. */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * (ceiling + 1));
}

export type ResponseFacts = {
  operation: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  nowMs: number;
  /** True for calls that change state and cannot be safely repeated (create). */
  nonIdempotent: boolean;
};

/** Builds the error for an HTTP answer with a non-2xx status (or a 2xx envelope carrying an error). */
export function errorFromResponse(facts: ResponseFacts): EnkashError {
  const remote = readErrorResponse(facts.body);
  const cls = isSuccess(facts.status)
    ? {
        kind: ERROR_TYPE_KINDS[remote.errorType as EnkashErrorType] ?? 'permanent',
        errorType: 'UNKNOWN_ERROR',
      }
    : statusClass(facts.status);
  const retryAfterMs =
    cls.kind === 'rate-limited'
      ? (parseRetryAfter(facts.headers['retry-after'], facts.nowMs) ?? DEFAULT_RETRY_AFTER_MS)
      : undefined;
  const errorType = remote.errorType || cls.errorType;
  const details = remote.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ');
  const text = [remote.errorMessage, details].filter(Boolean).join(' — ');
  return new EnkashError({
    kind: cls.kind,
    operation: facts.operation,
    httpStatus: facts.status,
    errorType,
    requestId: remote.requestId || headerRequestId(facts.headers),
    fieldErrors: remote.fieldErrors,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    mayHaveCommitted: facts.nonIdempotent && (cls.mayHaveCommitted ?? false),
    remoteMessage: remote.errorMessage,
    message: maskText(
      `EnKash ${facts.operation}: HTTP ${facts.status} ${errorType}${text ? `: ${text}` : ''}`,
    ),
  });
}

/**
 * A 2xx answer whose body we cannot read. Classed permanent, not retryable: EnKash answered and said it
 * succeeded, so asking again would not change the body and, for a create, would make a second customer.
 * For a create it did commit, so `mayHaveCommitted` is true: the caller looks the customer up.
 */
export function badResponse(facts: Omit<ResponseFacts, 'body' | 'nowMs'> & { problem: string }): EnkashError {
  return new EnkashError({
    kind: 'permanent',
    operation: facts.operation,
    httpStatus: facts.status,
    errorType: 'BAD_RESPONSE',
    requestId: headerRequestId(facts.headers),
    mayHaveCommitted: facts.nonIdempotent,
    message: `EnKash ${facts.operation}: HTTP ${facts.status} with a body we cannot read (${facts.problem})`,
  });
}

export type TransportFailure = {
  operation: string;
  cause: unknown;
  /** Our own timeout fired (as opposed to the caller's signal). */
  timedOut: boolean;
  /** The caller's signal aborted the call. */
  aborted: boolean;
  nonIdempotent: boolean;
};

/** An exchange that produced no HTTP answer: timeout, abort, or a connection failure. */
export function errorFromTransport(failure: TransportFailure): EnkashError {
  const code = errorCode(failure.cause);
  const sentMaybe = !NOT_SENT_CODES.has(code);
  const [kind, errorType]: [EnkashErrorKind, string] = failure.timedOut
    ? ['retryable', 'TIMEOUT']
    : failure.aborted
      ? ['retryable', 'ABORTED']
      : RETRYABLE_NETWORK_CODES.has(code)
        ? ['retryable', 'NETWORK_ERROR']
        : ['permanent', 'CLIENT_ERROR'];
  const reason = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
  return new EnkashError({
    kind,
    operation: failure.operation,
    httpStatus: null,
    errorType,
    mayHaveCommitted: failure.nonIdempotent && sentMaybe,
    message: `EnKash ${failure.operation}: ${errorType}${code ? ` ${code}` : ''} (${reason})`,
    cause: failure.cause,
  });
}

/**
 * A call its caller's gate (CallOptions `gate`: the import was cancelled) stopped before it was sent:
 * while it waited for its connection permit or rate slot, or right before dispatch. Nothing of it reached
 * EnKash, so nothing can have been committed.
 */
export const NOT_SENT = 'NOT_SENT';

export function notSentError(operation: string, reason?: unknown): EnkashError {
  const why = reason instanceof Error ? reason.message : 'its gate closed';
  return new EnkashError({
    kind: 'retryable',
    operation,
    httpStatus: null,
    errorType: NOT_SENT,
    mayHaveCommitted: false,
    message: `EnKash ${operation}: ${NOT_SENT} (${why})`,
    ...(reason === undefined ? {} : { cause: reason }),
  });
}

/** The call was refused by its gate and never sent ({@link notSentError}). */
export function isNotSent(err: unknown): err is EnkashError {
  return isEnkashError(err) && err.errorType === NOT_SENT;
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function errorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null || !('code' in err)) return '';
  return typeof err.code === 'string' ? err.code : '';
}

/** EnKash's request id is in the envelope; gateways commonly add one as a header. */
export function headerRequestId(headers: Record<string, string | string[] | undefined>): string {
  const value = headers['x-request-id'] ?? headers['x-correlation-id'];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

type RemoteError = { errorType: string; errorMessage: string; requestId: string; fieldErrors: FieldError[] };

/** The `errorResponse` of EnKash's envelope; the fields of `apiSubErrors` are a guess (contract.ts). */
export function readErrorResponse(body: unknown): RemoteError {
  const raw = typeof body === 'object' && body !== null ? (body as { errorResponse?: unknown }) : {};
  const parsed = ErrorResponseSchema.safeParse(raw.errorResponse);
  if (!parsed.success) return { errorType: '', errorMessage: '', requestId: '', fieldErrors: [] };
  const e = parsed.data;
  const fieldErrors = (e.apiSubErrors ?? []).map((s) => ({
    field: s.field ?? s.object ?? '',
    message: s.message ?? '',
    ...(s.rejectedValue === undefined ? {} : { rejectedValue: s.rejectedValue }),
  }));
  return {
    errorType: e.errorType ?? '',
    errorMessage: e.errorMessage ?? '',
    requestId: e.requestId ?? '',
    fieldErrors,
  };
}

/** A response that does not match its schema, in a few words: the first three problems. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}
