--[[
  Rate limiter: ask for a request slot in the shared sliding window.
  Input:
    KEYS[1] ZSET of granted slots, scored by Redis time in ms
    KEYS[2] pause after a 429: epoch ms (Redis clock) before which nothing may be sent
    KEYS[3] the adaptive rate's slots per window now (written by rateCommit-2)
    ARGV[1] limit: slots per window (fixed; the adaptive rate's fallback until it has decided)
    ARGV[2] window, ms
    ARGV[3] the slot's id
    ARGV[4] 'adaptive': the limit is KEYS[3]; 'fixed': ARGV[1]
  Output:
    0 slot granted; otherwise ms to wait before asking again
]]
--- @include "includes/nowMs"
local limit = tonumber(ARGV[1])
if ARGV[4] == 'adaptive' then limit = tonumber(redis.call('GET', KEYS[3]) or ARGV[1]) end
local window = tonumber(ARGV[2])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then return pause - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
