--[[
  Extend a lock or lease if I still own it.
  Input:
    KEYS[1] the lock key
    ARGV[1] owner id
    ARGV[2] new time to live, ms
  Output:
    1 extended, 0 not the owner (expired, or someone else's now)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
