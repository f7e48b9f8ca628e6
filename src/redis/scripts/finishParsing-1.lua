--[[
  The import job has read the whole file: record how many rows, and move the import on to its next
  state unless something else (a cancel, a failure) already moved it elsewhere.
  Input:
    KEYS[1] the import's meta hash
    ARGV[1] total rows read
    ARGV[2] parsedAt (ISO time)
    ARGV[3] last row number
    ARGV[4] the state to move to
    ARGV[5..] the states it may move from
  Output:
    1 when every row read already has its result, else 0
]]
redis.call('HSET', KEYS[1], 'total', ARGV[1], 'parsedAt', ARGV[2], 'lastRow', ARGV[3])
local state = redis.call('HGET', KEYS[1], 'state')
for i = 5, #ARGV do
  if state == ARGV[i] then
    redis.call('HSET', KEYS[1], 'state', ARGV[4])
    break
  end
end
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
if done == tonumber(ARGV[1]) then return 1 end
return 0
