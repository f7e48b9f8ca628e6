--[[
  Deletes a key only while it still holds the owner's id: an owner whose key expired and was taken by
  someone else must never delete the newcomer's.
  Defines: releaseOwned(key, owner) -> 1 deleted, 0 not the owner (or gone)
]]
local function releaseOwned(key, owner)
  if redis.call('GET', key) == owner then
    return redis.call('DEL', key)
  end
  return 0
end
