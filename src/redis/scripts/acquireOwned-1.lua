--[[
  Take a lock that is free or already mine, and (re)start its time to live. Re-entrant, unlike
  SET NX: the same owner asking again (a retried command whose answer was lost) still gets it.
  Input:
    KEYS[1] the lock key
    ARGV[1] owner id
    ARGV[2] time to live, ms
  Output:
    1 held by the owner now, 0 held by someone else
]]
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
