/**
 * Everything one running sandbox shares between its server, its gate and its admin endpoints. Built once
 * by startSandbox (the composition root) and passed down.
 */
import type { FastifyRequest } from 'fastify';
import type { Account, TokenRegistry } from './auth.js';
import type { CustomerService } from './customer-service.js';
import type { FaultsPatch } from './faults.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RateSchedule } from './rate-schedule.js';
import type { StatsRecorder } from './stats.js';
import type { CustomerStore } from './store.js';
import type { SandboxCredentials, SandboxFaults } from './types.js';

export type SandboxContext = {
  credentials: SandboxCredentials;
  tokens: TokenRegistry;
  limiter: RateLimiter;
  stats: StatsRecorder;
  store: CustomerStore;
  service: CustomerService;
  /** The account the gate authenticated for each customer request. */
  accounts: WeakMap<FastifyRequest, Account>;
  faults(): SandboxFaults;
  setFaults(patch: FaultsPatch): SandboxFaults;
  /** Later changes of the rate limit (`--rate-limit-schedule`, `POST /__sandbox/rate-limit`). */
  rateSchedule: RateSchedule;
  /** Deletes every customer and clears the statistics and rate-limit windows. */
  reset(): void;
  random: () => number;
  /** Fastify path template of the deactivate endpoint (the real path is not published). */
  deactivatePath: string;
};
