--[[
  Circuit breaker, right before sending: a pass for one call.
  Input:
    KEYS[1] breaker state hash { failures, openUntil, opens }
    KEYS[2] half-open probe lease
    ARGV[1] owner id of the call
    ARGV[2] probe lease, ms
    ARGV[3] longest wait to announce while another process's probe is in flight, ms
  Output:
    0 go (closed, no failure counted); -2 go (closed, failures counted: a success must reset them);
    -1 go as the probe (half-open, lease taken); > 0 refused, ms to wait
]]
--- @include "includes/breakerAdmit"
return breakerAdmit(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
