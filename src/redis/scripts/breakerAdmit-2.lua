--[[
  Circuit breaker, right before sending: a pass for one call.
  Input:
    KEYS[1] breaker state hash { failures, openUntil, opens }
    KEYS[2] half-open probe lease
    ARGV[1] owner id of the call
    ARGV[2] probe lease, ms
    ARGV[3] longest wait to announce while another process's probe is in flight, ms
  Output:
    0 go (closed, no failure counted); -2 go (closed, failures counted: a success must reset them);
    -1 go as the probe (half-open, lease taken); > 0 refused, ms to wait
]]
--- @include "includes/nowMs"
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
if openUntil == 0 then
  if redis.call('EXISTS', KEYS[1]) == 1 then return -2 end
  return 0
end
if now < openUntil then return openUntil - now end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
return math.max(1, math.min(tonumber(ARGV[3]), redis.call('PTTL', KEYS[2])))
