--[[
  Record row results, first write wins (a row job that runs twice records one result), and count them.
  Input:
    KEYS[1] the import's meta hash (fields `done`, `total`, `out:<outcome>`)
    KEYS[2] the import's results hash: row → sealed result
    ARGV[1] n: how many results follow
    ARGV[2 + 3i], ARGV[3 + 3i], ARGV[4 + 3i] for i in 0..n-1: row, sealed result, outcome
  Output:
    { results added, rows done now, 1 when every row read has its result else 0 }
]]
local added = 0
local n = tonumber(ARGV[1])
for i = 0, n - 1 do
  local b = 2 + i * 3
  if redis.call('HSETNX', KEYS[2], ARGV[b], ARGV[b + 1]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'out:' .. ARGV[b + 2], 1)
    added = added + 1
  end
end
local done = redis.call('HINCRBY', KEYS[1], 'done', added)
local total = redis.call('HGET', KEYS[1], 'total')
local complete = 0
if total and tonumber(total) == done then complete = 1 end
return {added, done, complete}
