--[[
  Adaptive rate: write the tick's decision, unless another decision was written since it was read.
  Input:
    KEYS[1] hash { json, seq }: the rate state
    KEYS[2] the slots per window now, read by rateAcquire-3
    ARGV[1] the new state, JSON
    ARGV[2] the seq the decision was made from
    ARGV[3] slots per window
    ARGV[4] how long both are kept, ms (the account's rate outlives restarts)
  Output:
    1 written; 0 someone else decided first (this decision is dropped)
]]
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if seq ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'seq', seq + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1
