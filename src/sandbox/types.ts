/** The EnKash sandbox's public surface, used by the CLI, tests, benchmarks and the embedded demo. */
import type { CustomerResponse } from '../contract/enkash-api.js';
import type { Logger } from '../logger.js';
import type { RateStep } from './rate-schedule.js';

export type SandboxCredentials = {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  companyId: string;
};

/** Faults and limits: each can be set at start and changed while running. */
export type SandboxFaults = {
  /** Requests per second per account (0 = no limit). Over the limit: 429 with Retry-After. */
  ratePerSec: number;
  /** How the Retry-After header is written on a 429. */
  retryAfterFormat: 'seconds' | 'http-date';
  latencyMs: number;
  /** Extra latency drawn uniformly from [0, jitterMs]. */
  jitterMs: number;
  /** Share of customer requests answered 500/502/503 without doing anything. */
  failureRate: number;
  /** Share of creates that commit the customer and then never answer. */
  hangCreateRate: number;
  /**
   * Share of creates and updates refused with 400 VALIDATION_ERROR, every text field of the body named
   * with its value as `rejectedValue` (EnKash refusing values we think valid; Spring echoes them back).
   */
  rejectWriteRate: number;
  /** Share of creates and updates answered 500 before anything is written (EnKash failing on writes only). */
  failWriteRate: number;
  /** Until this epoch ms, every customer request answers 429 (a "429 storm"). */
  rateLimitedUntil: number;
  /** Until this epoch ms, EnKash is down: every request answers 503, or never answers ('timeout'). */
  outageUntil: number;
  outageKind: '5xx' | 'timeout';
};

export type SandboxOptions = {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** A JSON file the customers are kept in (survives a restart); absent = in memory. */
  stateFile?: string;
  credentials: SandboxCredentials;
  tokenTtlSec?: number;
  /** When true, a create with a uniqueRefNo already in use answers 422 (EnKash's rule is unknown). */
  uniqueRefNo?: boolean;
  faults?: Partial<SandboxFaults>;
  /** Changes of `faults.ratePerSec` while running, relative to the start. */
  rateSchedule?: RateStep[];
  /** Where errors are logged; absent = silent. Requests themselves are never logged. */
  logger?: Logger;
  /** The deactivate path is not published (enkash-api.md): serve the one the client is configured with. */
  deactivatePath?: string;
  /** Least delay between a change and its write to `stateFile` (writes are coalesced). Default 100. */
  writeDebounceMs?: number;
};

export type SandboxStats = {
  /** endpoint (token, create, search, update, activate, deactivate, delete, other) → status → count. */
  requests: Record<string, Record<string, number>>;
  total: number;
  /** The most requests received in any 1-second window (all requests, whatever their answer). */
  maxPerSecond: number;
  /** The most requests that had arrived and were not yet answered at any one moment. */
  maxInFlight: number;
  tokenRequests: number;
  customers: number;
  /** Creates that committed and were never answered. */
  hungCreates: number;
  /**
   * Requests that arrived before the Retry-After of a 429 already sent had passed. A client that honours
   * Retry-After sends none once it has the 429: the only ones are those already on their way.
   */
  requestsBeforeRetryAfter: number;
  /** The latest of those, in ms after the 429 that began its throttled period (0 when none). */
  latestBeforeRetryAfterMs: number;
};

export type Sandbox = {
  url: string;
  port: number;
  stats(): SandboxStats;
  resetStats(): void;
  setFaults(faults: Partial<SandboxFaults>): void;
  /** Replaces the pending rate-limit changes with these, relative to now. */
  scheduleRateLimit(steps: RateStep[]): void;
  faults(): SandboxFaults;
  /** Deletes every customer and clears the statistics (as `POST /__sandbox/reset`). */
  reset(): void;
  /** Makes every token issued so far expire now. */
  expireTokens(): void;
  /** Every access and refresh token issued so far (the latest 10,000): what a leak scan looks for. */
  issuedTokens(): string[];
  customers(): CustomerResponse[];
  close(): Promise<void>;
};
