/**
 * The EnKash response envelope `{ errorResponse, payload, response_code, response_message }` and the
 * sandbox's "answer": what a handler returns instead of writing to the socket, so the logic behind each
 * endpoint stays a plain function.
 */
import { randomUUID } from 'node:crypto';
import type { EnkashErrorType } from '../contract/enkash-api.js';

/** One field problem, in the Spring shape the contract assumes (`ApiSubError` is not published). */
export type SubError = {
  object: string;
  field: string;
  rejectedValue: unknown;
  message: string;
};

export type Envelope = {
  errorResponse: {
    apiSubErrors: SubError[];
    errorMessage: string;
    errorType: EnkashErrorType;
    requestId: string;
    timestamp: string;
  } | null;
  payload: unknown;
  response_code: number;
  response_message: string;
};

export type Answer = {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
};

export type Failure = {
  status: number;
  errorType: EnkashErrorType;
  message: string;
  subErrors?: SubError[];
  headers?: Record<string, string>;
};

// response_code is undocumented for AR; the Payouts pages use 0 = success, and we echo the HTTP status on
// errors so a client never has to guess which one to trust.
const SUCCESS_CODE = 0;

export function ok(payload: unknown): Answer {
  const body: Envelope = {
    errorResponse: null,
    payload,
    response_code: SUCCESS_CODE,
    response_message: 'SUCCESS',
  };
  return { status: 200, body };
}

export function fail(failure: Failure, now: Date = new Date()): Answer {
  const body: Envelope = {
    errorResponse: {
      apiSubErrors: failure.subErrors ?? [],
      errorMessage: failure.message,
      errorType: failure.errorType,
      requestId: randomUUID(),
      timestamp: formatTimestamp(now),
    },
    payload: null,
    response_code: failure.status,
    response_message: failure.message,
  };
  return { status: failure.status, body, ...(failure.headers ? { headers: failure.headers } : {}) };
}

// EnKash is an Indian service; its `yyyy-MM-dd HH:mm:ss` timestamps carry no zone, so we assume IST
// (UTC+05:30, no daylight saving).
const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

export function formatTimestamp(date: Date): string {
  return new Date(date.getTime() + IST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export const notFound = (what: string): Failure => ({
  status: 404,
  errorType: 'RECORD_NOT_FOUND',
  message: `${what} not found`,
});

export const unauthorized = (message: string): Failure => ({
  status: 401,
  errorType: 'UNAUTHORIZED',
  message,
});
