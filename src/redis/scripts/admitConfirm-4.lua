--[[
  A call about to leave, in one round trip: the circuit breaker's pass (as breakerAdmit-2), then, when
  the pass is given, the confirmation of the call's rate slot (as rateConfirm-2).
  Input:
    KEYS[1] breaker state hash { failures, openUntil, opens }
    KEYS[2] half-open probe lease
    KEYS[3] ZSET of granted slots, scored by Redis time in ms
    KEYS[4] pause after a 429: epoch ms (Redis clock)
    ARGV[1] owner id of the call
    ARGV[2] probe lease, ms
    ARGV[3] longest wait to announce while another process's probe is in flight, ms
    ARGV[4] the slot's id
    ARGV[5] window, ms
    ARGV[6] keep, ms (>= window): how long grants stay in the log (rateAcquire-3)
  Output:
    { the breaker's verdict (breakerAdmit-2's output), the slot: 0 confirmed, 1 lost or not asked
      (the pass was refused: the slot is left as it is) }
]]
--- @include "includes/nowMs"
--- @include "includes/breakerAdmit"
--- @include "includes/rateConfirm"
local verdict = breakerAdmit(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
if verdict > 0 then return { verdict, 1 } end
return { verdict, rateConfirm(KEYS[3], KEYS[4], ARGV[4], ARGV[5], ARGV[6]) }
