--[[
  A row job's first step, in one round trip: is the row already recorded, is its import cancelled, and
  if neither, take the customer's lock (re-entrant, like acquireOwned-1) and read what the registry knows
  of the customer under it (src/queue/row-ledger.ts). A row that expects to create its customer (its
  snapshot says EnKash has none) sets the "create in flight" marker here when the registry knows nothing
  of the customer, instead of in a step of its own before the create.
  Input:
    KEYS[1] the import's results hash: row → sealed result
    KEYS[2] the import's meta hash (field `cancelRequested`)
    KEYS[3] the customer's lock
    KEYS[4] the customer's registry entry: `customerId|fingerprint`
    KEYS[5] the customer's "create in flight" marker
    ARGV[1] row
    ARGV[2] lock owner (this run of the row job)
    ARGV[3] lock time to live, ms
    ARGV[4] '1': set the marker (time to live ARGV[5], s) when there is neither an entry nor a marker
    ARGV[5] the marker's time to live, s
  Output:
    { 'done' } the row has its result; { 'cancelled' } the import is being cancelled (no lock taken);
    { 'busy' } another run holds the customer;
    { 'locked', registry entry or false, 1 when the marker was there else 0, 1 when this step set it else 0 }
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return { 'done' } end
if redis.call('HGET', KEYS[2], 'cancelRequested') == '1' then return { 'cancelled' } end
local owner = redis.call('GET', KEYS[3])
if owner ~= false and owner ~= ARGV[2] then return { 'busy' } end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
local entry = redis.call('GET', KEYS[4])
local creating = redis.call('EXISTS', KEYS[5])
if ARGV[4] == '1' and entry == false and creating == 0 then
  redis.call('SET', KEYS[5], '1', 'EX', ARGV[5])
  return { 'locked', entry, 0, 1 }
end
return { 'locked', entry, creating, 0 }
