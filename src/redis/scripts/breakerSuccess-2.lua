--[[
  Circuit breaker: a call got an HTTP answer that says EnKash is up. Closes the breaker for everybody.
  Input:
    KEYS[1] breaker state hash { failures, openUntil, opens }
    KEYS[2] half-open probe lease
    ARGV[1] owner id of the call
  Output:
    1 this success closed an open breaker, 0 it was closed
]]
--- @include "includes/releaseOwned"
local wasOpen = redis.call('HEXISTS', KEYS[1], 'openUntil')
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DEL', KEYS[1]) end
releaseOwned(KEYS[2], ARGV[1])
return wasOpen
