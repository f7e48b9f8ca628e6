--[[
  Circuit breaker: a call failed in a way that says EnKash is down (5xx, 408, timeout, network).
  Input:
    KEYS[1] breaker state hash { failures, openUntil, opens }
    KEYS[2] half-open probe lease
    ARGV[1] owner id of the call
    ARGV[2] threshold: consecutive failures that open the breaker
    ARGV[3] first opening, ms
    ARGV[4] longest opening, ms
    ARGV[5] time to live of the state hash, ms
  Output:
    { ms the breaker is now open for (0: still closed), 1 when this failure opened it else 0 }
]]
--- @include "includes/nowMs"
--- @include "includes/releaseOwned"
local threshold = tonumber(ARGV[2])
local openMs = tonumber(ARGV[3])
local maxOpenMs = tonumber(ARGV[4])
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
local probe = releaseOwned(KEYS[2], ARGV[1]) == 1
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if openUntil > 0 then
  -- Tripped: only the probe's failure reopens it. A call let through before the trip that fails late
  -- tells nothing new, and must not stretch the wait for the probe.
  if not probe then return {math.max(0, openUntil - now), 0} end
  local opens = redis.call('HINCRBY', KEYS[1], 'opens', 1)
  local wait = math.floor(math.min(maxOpenMs, openMs * 2 ^ math.min(opens - 1, 30)))
  redis.call('HSET', KEYS[1], 'openUntil', now + wait)
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return {wait, 1}
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if failures < threshold then return {0, 0} end
redis.call('HSET', KEYS[1], 'openUntil', now + openMs, 'opens', 1)
return {openMs, 1}
