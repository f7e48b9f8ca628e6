--[[
  Rate limiter: ask for up to n request slots at once in the shared sliding window (one process's waiting
  calls ask together: one round trip for all of them).
  Input:
    KEYS[1] ZSET of granted slots, scored by Redis time in ms
    KEYS[2] pause after a 429: epoch ms (Redis clock) before which nothing may be sent
    KEYS[3] the adaptive rate's slots per window now (written by rateCommit-2)
    ARGV[1] limit: slots per window (fixed; the adaptive rate's fallback until it has decided)
    ARGV[2] window, ms
    ARGV[3] the slots' id: slot i (from 1) is `<id>:<i>`
    ARGV[4] 'adaptive': the limit is KEYS[3]; 'fixed': ARGV[1]
    ARGV[5] n: how many slots are wanted
    ARGV[6] keep, ms (>= window): how long grants stay in the log. Processes may count with different
            windows (each learns its own margin): none may drop a grant another still counts.
  Output:
    { slots granted (0..n), ms to wait before asking for the rest (0 when all were granted) }
]]
--- @include "includes/nowMs"
local limit = tonumber(ARGV[1])
if ARGV[4] == 'adaptive' then limit = tonumber(redis.call('GET', KEYS[3]) or ARGV[1]) end
local window = tonumber(ARGV[2])
local wanted = tonumber(ARGV[5])
local keep = math.max(window, tonumber(ARGV[6] or ARGV[2]))
local pause = tonumber(redis.call('GET', KEYS[2]) or '0')
if pause > now then return { 0, pause - now } end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - keep)
local free = limit - redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf')
local granted = math.max(0, math.min(wanted, free))
if granted > 0 then
  local members = {}
  for i = 1, granted do
    members[#members + 1] = now
    members[#members + 1] = ARGV[3] .. ':' .. i
  end
  redis.call('ZADD', KEYS[1], unpack(members))
  redis.call('PEXPIRE', KEYS[1], keep)
end
if granted == wanted then return { granted, 0 } end
local oldest = redis.call('ZRANGE', KEYS[1], '(' .. (now - window), '+inf', 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES')
if not oldest[2] then return { granted, 1 } end
return { granted, math.max(1, tonumber(oldest[2]) + window - now) }
