--[[
  Rate limiter: count slots from when their requests most likely reached EnKash. An answer that came
  back `ms` later than the fastest answers do was held up somewhere between the slot's stamp and the
  answer (this process, the way there, the far end's queue, the way back); the slot is moved that much
  later (never earlier), so the slots granted a window after it wait for it. A slot no longer in the log
  is left out.
  Input:
    KEYS[1] ZSET of granted slots, scored by Redis time in ms
    ARGV[1] keep, ms: how long grants stay in the log (rateAcquire-3)
    ARGV[2], ARGV[3], ...: pairs of a slot's id and how many ms later it is to be counted
  Output:
    how many slots moved
]]
local moved = 0
for i = 2, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score then
    moved = moved + redis.call('ZADD', KEYS[1], 'XX', 'GT', 'CH', tonumber(score) + tonumber(ARGV[i + 1]), ARGV[i])
  end
end
if moved > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return moved
