--[[
  Drop the shared EnKash token only if it is the one EnKash refused, never a newer one.
  Input:
    KEYS[1] the token hash { sealed, id, refreshBelowMs }
    ARGV[1] id (HMAC) of the refused token
  Output:
    1 dropped, 0 the shared token is another one (or gone)
]]
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
