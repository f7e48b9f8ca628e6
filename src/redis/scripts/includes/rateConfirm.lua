--[[
  Rate limiter: the slot's request is about to leave (rateConfirm-2, admitConfirm-4). The slot is moved
  to now when still counted, or dropped when it aged out or a pause began since the grant (the caller
  must acquire again).
  Defines: rateConfirm(slotsKey, pauseKey, slot, window, keep) -> 0 confirmed, 1 lost
    slotsKey: ZSET of granted slots, scored by Redis time in ms; pauseKey: pause after a 429, epoch ms;
    keep (>= window): how long grants stay in the log (rateAcquire-3)
]]
--- @include "includes/nowMs"
local function rateConfirm(slotsKey, pauseKey, slot, window, keep)
  window = tonumber(window)
  local score = redis.call('ZSCORE', slotsKey, slot)
  local pause = tonumber(redis.call('GET', pauseKey) or '0')
  if (not score) or tonumber(score) <= now - window or pause > now then
    redis.call('ZREM', slotsKey, slot)
    return 1
  end
  redis.call('ZADD', slotsKey, 'XX', 'GT', now, slot)
  redis.call('PEXPIRE', slotsKey, math.max(window, tonumber(keep or window)))
  return 0
end
