--[[
  Rate limiter: the slot's request is about to leave. The slot is moved to now when still counted, or
  dropped when it aged out or a pause began since the grant (the caller must acquire again).
  Input:
    KEYS[1] ZSET of granted slots, scored by Redis time in ms
    KEYS[2] pause after a 429: epoch ms (Redis clock)
    ARGV[1] the slot's id
    ARGV[2] window, ms
    ARGV[3] keep, ms (>= window): how long grants stay in the log (rateAcquire-3)
  Output:
    0 confirmed, 1 lost
]]
--- @include "includes/nowMs"
local window = tonumber(ARGV[2])
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if (not score) or tonumber(score) <= now - window or pause > now then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
redis.call('ZADD', KEYS[1], 'XX', 'GT', now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.max(window, tonumber(ARGV[3] or ARGV[2])))
return 0
