--[[
  A row job's last step, in one round trip and all at once (src/queue/row-ledger.ts): what the row wrote
  (for a revert; first record wins), its result (first write wins, counted by outcome), the EnKash calls
  it made, what the registry remembers of its customer (which clears the customer's "create in flight"
  marker: the registry names the customer now), and the customer's lock released. Being one script, a
  crash leaves either none of it or all of it: the registry never names a fingerprint for a row whose
  result is not recorded, and a row whose create committed keeps its marker until its result is.
  Input:
    KEYS[1] the import's meta hash (fields `done`, `total`, `out:<outcome>`, `calls:<op>`)
    KEYS[2] the import's results hash: row → sealed result
    KEYS[3] the import's diffs hash: row → sealed RowDiff
    KEYS[4] the customer's registry entry
    KEYS[5] the customer's lock
    KEYS[6] the customer's "create in flight" marker
    ARGV[1] row
    ARGV[2] sealed result
    ARGV[3] outcome
    ARGV[4] sealed RowDiff, '' for none
    ARGV[5] registry entry `customerId|fingerprint`, '' to leave it (and the marker)
    ARGV[6] registry entry time to live, s
    ARGV[7] lock owner, '' when no lock is held
    ARGV[8] '1': clear the marker without an entry (the row's start set it and no create was sent)
    ARGV[9..] field, increment pairs for the meta hash (`calls:<op>`, n)
  Output:
    { 1 when the result was added else 0, rows done now, 1 when every row read has its result else 0 }
]]
--- @include "includes/releaseOwned"
if ARGV[4] ~= '' then redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[4]) end
local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
if added == 1 then redis.call('HINCRBY', KEYS[1], 'out:' .. ARGV[3], 1) end
local done = redis.call('HINCRBY', KEYS[1], 'done', added)
for i = 9, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[5] ~= '' then redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[6]) end
if ARGV[5] ~= '' or ARGV[8] == '1' then redis.call('DEL', KEYS[6]) end
if ARGV[7] ~= '' then releaseOwned(KEYS[5], ARGV[7]) end
local total = redis.call('HGET', KEYS[1], 'total')
local complete = 0
if total and tonumber(total) == done then complete = 1 end
return { added, done, complete }
