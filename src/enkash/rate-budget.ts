/**
 * One EnKash account's shared request-rate budget, as the client uses it: the limiter every call takes a
 * slot from and, unless ENKASH_RATE_ADAPTIVE=false with a rate set, the governor that learns the rate
 * EnKash allows. Both live in Redis, shared by every process.
 */
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { enkashKeys } from './keys.js';
import { REREAD_REASON } from './rate-controller.js';
import { RateGovernor, type RateStatus } from './rate-governor.js';
import { RateLimiter } from './rate-limiter.js';

export type RateBudgetDeps = {
  config: Config['enkash'];
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Overrides `config.rateMarginMs`, added to the rate window to absorb jitter (rate-limiter.ts). */
  rateSafetyMarginMs?: number;
  /** The adaptive rate changed (any process's decision, seen by this one). */
  onRateChange?: (status: RateStatus) => void;
};

export function startRateBudget(deps: RateBudgetDeps): {
  governor: RateGovernor | undefined;
  limiter: RateLimiter;
} {
  const { config, redis, prefix, logger } = deps;
  const adaptive = config.rateAdaptive !== false || config.ratePerSec === null;
  let lastRate = Infinity;
  const governor = adaptive
    ? new RateGovernor({
        redis,
        keys: enkashKeys(prefix),
        settings: { ceiling: config.ratePerSec },
        onChange: (status) => {
          // Raises come every tick while the rate climbs; cuts (and an estimate read again, which
          // explains a rate held) are what an operator looks for.
          const notable = status.ratePerSec < lastRate || status.reason.startsWith(REREAD_REASON);
          lastRate = status.ratePerSec;
          const fields = { event: 'enkash_rate_changed', ...status };
          if (notable) logger.info(fields, `EnKash rate: ${status.reason}`);
          else logger.debug(fields, `EnKash rate: ${status.reason}`);
          deps.onRateChange?.(status);
        },
        onError: (err) =>
          logger.warn({ event: 'enkash_rate_tick_failed', err: err.message }, 'adaptive rate: tick failed'),
      })
    : undefined;
  const limiter = new RateLimiter({
    redis,
    prefix,
    ratePerSec: governor ? Math.max(1, Math.floor(governor.ratePerSec)) : (config.ratePerSec ?? 10),
    ...(governor ? { governor } : {}),
    safetyMarginMs: deps.rateSafetyMarginMs ?? config.rateMarginMs,
    onMarginChange: (ms, previousMs) =>
      logger.info(
        { event: 'enkash_rate_margin', marginMs: ms, previousMs },
        `EnKash rate window margin ${previousMs} → ${ms} ms (from the spread of EnKash's answer times)`,
      ),
    onSlotLost: ({ ageMs }) =>
      logger.warn(
        { event: 'enkash_rate_slot_lost', ageMs },
        'a rate slot aged out before its request could leave (a stalled process or a slow Redis): waiting for a new one',
      ),
  });
  return { governor, limiter };
}
