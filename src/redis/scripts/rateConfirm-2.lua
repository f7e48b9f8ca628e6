--[[
  Rate limiter: the slot's request is about to leave. The slot is moved to now when still counted, or
  dropped when it aged out or a pause began since the grant (the caller must acquire again).
  Input:
    KEYS[1] ZSET of granted slots, scored by Redis time in ms
    KEYS[2] pause after a 429: epoch ms (Redis clock)
    ARGV[1] the slot's id
    ARGV[2] window, ms
    ARGV[3] keep, ms (>= window): how long grants stay in the log (rateAcquire-3)
  Output:
    0 confirmed, 1 lost
]]
--- @include "includes/rateConfirm"
return rateConfirm(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
