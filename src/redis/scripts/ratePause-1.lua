--[[
  Rate limiter: pause every process until a moment (after a 429). Only ever moves the pause later.
  Input:
    KEYS[1] pause: epoch ms (Redis clock) before which nothing may be sent
    ARGV[1] until, ms: epoch ms, or a delay from Redis now when ARGV[2] is 'relative'
    ARGV[2] 'absolute' | 'relative'
  Output:
    the pause now in force, epoch ms (0: none)
]]
--- @include "includes/nowMs"
local untilMs = tonumber(ARGV[1])
if ARGV[2] == 'relative' then untilMs = now + untilMs end
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current and untilMs > now then
  redis.call('SET', KEYS[1], untilMs, 'PX', untilMs - now)
  return untilMs
end
return current
