--[[
  Release a lock or lease if I still own it.
  Input:
    KEYS[1] the lock key
    ARGV[1] owner id
  Output:
    1 released, 0 not the owner (expired, or someone else's now)
]]
--- @include "includes/releaseOwned"
return releaseOwned(KEYS[1], ARGV[1])
