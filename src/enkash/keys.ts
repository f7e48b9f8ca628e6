/**
 * The Redis keys the EnKash client shares between processes. All of them start with the deployment's
 * prefix, which is hash-tagged (`{customer-sync}`) so that the multi-key scripts run on Redis Cluster.
 */
export type EnkashKeys = {
  /** ZSET: sliding-window log of granted request slots, scored by Redis TIME in ms. */
  rate: string;
  /** String: epoch ms (Redis clock) before which no request may be sent; set after a 429. */
  pause: string;
  /** Hash `{ json, seq }`: the adaptive rate's state (rate-controller.ts), kept across restarts. */
  rateState: string;
  /** Hash: what every process's calls saw since the last tick (rate-governor.ts). */
  rateObs: string;
  /** String: owner of the current tick's decision. */
  rateTick: string;
  /** String: slots per window now (the adaptive rate), read by the limiter's script. */
  rateSlots: string;
  /** Hash `{ sealed, id, refreshBelowMs }` (the token sealed, its HMAC) with the token's lifetime as TTL. */
  token: string;
  /** String: random owner id; only its owner fetches a token. */
  tokenLock: string;
  /** String: why EnKash refused the credentials; while it exists nobody asks for a token. */
  authFailed: string;
  /** Hash `{ failures, openUntil, opens }`: the circuit breaker (circuit-breaker.ts). */
  breaker: string;
  /** String: random owner id of the one half-open probe in flight. */
  breakerProbe: string;
};

export function enkashKeys(prefix: string): EnkashKeys {
  const base = `${prefix}:enkash`;
  return {
    rate: `${base}:rate`,
    pause: `${base}:rate:pause`,
    rateState: `${base}:rate:state`,
    rateObs: `${base}:rate:obs`,
    rateTick: `${base}:rate:tick`,
    rateSlots: `${base}:rate:slots`,
    token: `${base}:token`,
    tokenLock: `${base}:token:lock`,
    authFailed: `${base}:auth-failed`,
    breaker: `${base}:breaker`,
    breakerProbe: `${base}:breaker:probe`,
  };
}
