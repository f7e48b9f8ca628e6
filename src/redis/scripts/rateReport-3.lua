--[[
  Adaptive rate: one process's report of what its calls saw since its last tick; the first reporter of a
  tick also takes the tick's decision (drains the summed observation).
  Input:
    KEYS[1] hash: the observation every process adds to (counters, 2xx per 50 ms bucket `b<n>`)
    KEYS[2] the tick's lock (owner id, expires after one tick)
    KEYS[3] hash { json, seq }: the rate state
    ARGV[1] tick, ms
    ARGV[2] this process's owner id
    ARGV[3] epoch ms of this process's first 429 since its last report (0: none)
    ARGV[4] the longest Retry-After it was told, ms
    ARGV[5..] field, increment pairs (whole numbers)
  Output:
    { 1 (decide) or 0, the drained observation as field/value list or false, state json or false, seq }
]]
for i = 5, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
local first = tonumber(ARGV[3])
if first > 0 then
  local seen = tonumber(redis.call('HGET', KEYS[1], 'firstThrottleAtMs') or '0')
  if seen == 0 or first < seen then redis.call('HSET', KEYS[1], 'firstThrottleAtMs', first) end
end
local retry = tonumber(ARGV[4])
if retry > tonumber(redis.call('HGET', KEYS[1], 'retryAfterMs') or '0') then
  redis.call('HSET', KEYS[1], 'retryAfterMs', retry)
end
redis.call('PEXPIRE', KEYS[1], 60000)
local state = redis.call('HMGET', KEYS[3], 'json', 'seq')
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then
  local obs = redis.call('HGETALL', KEYS[1])
  redis.call('DEL', KEYS[1])
  return { 1, obs, state[1], state[2] or '0' }
end
return { 0, false, state[1], state[2] or '0' }
