--[[
  Circuit breaker, read-only early refusal: may a call go on to ask for its pass?
  Input:
    KEYS[1] breaker state hash { failures, openUntil, opens }
    KEYS[2] half-open probe lease
    ARGV[1] longest wait to announce while another process's probe is in flight, ms
  Output:
    0 go on; > 0 ms to wait
]]
--- @include "includes/nowMs"
local openUntil = tonumber(redis.call('HGET', KEYS[1], 'openUntil') or '0')
if openUntil == 0 then return 0 end
if now < openUntil then return openUntil - now end
local probe = redis.call('PTTL', KEYS[2])
if probe > 0 then return math.min(tonumber(ARGV[1]), probe) end
return 0
