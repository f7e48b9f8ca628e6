--[[
  A row job's first step, in one round trip: is the row already recorded, is its import cancelled, and
  if neither, take the customer's lock (re-entrant, like acquireOwned-1) and read what the registry knows
  of the customer under it (src/queue/row-ledger.ts).
  Input:
    KEYS[1] the import's results hash: row → sealed result
    KEYS[2] the import's meta hash (field `cancelRequested`)
    KEYS[3] the customer's lock
    KEYS[4] the customer's registry entry: `customerId|fingerprint`
    KEYS[5] the customer's "create in flight" marker
    ARGV[1] row
    ARGV[2] lock owner (this run of the row job)
    ARGV[3] lock time to live, ms
  Output:
    { 'done' } the row has its result; { 'cancelled' } the import is being cancelled (no lock taken);
    { 'busy' } another run holds the customer; { 'locked', registry entry or false, 1 creating else 0 }
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return { 'done' } end
if redis.call('HGET', KEYS[2], 'cancelRequested') == '1' then return { 'cancelled' } end
local owner = redis.call('GET', KEYS[3])
if owner ~= false and owner ~= ARGV[2] then return { 'busy' } end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
return { 'locked', redis.call('GET', KEYS[4]), redis.call('EXISTS', KEYS[5]) }
