--[[
  Rate limiter: move a slot to the moment its request left (never earlier), re-adding it if it had
  already aged out.
  Input:
    KEYS[1] ZSET of granted slots, scored by Redis time in ms
    ARGV[1] the slot's id
    ARGV[2] keep, ms: how long grants stay in the log (rateAcquire-3)
  Output:
    now (Redis time, ms)
]]
--- @include "includes/nowMs"
redis.call('ZADD', KEYS[1], 'GT', now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return now
