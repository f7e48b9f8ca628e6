--[[
  Circuit breaker, right before sending: a pass for one call (breakerAdmit-2, admitConfirm-4).
  Defines: breakerAdmit(stateKey, probeKey, owner, probeLeaseMs, halfOpenWaitMs) ->
    0 go (closed, no failure counted); -2 go (closed, failures counted: a success must reset them);
    -1 go as the probe (half-open, lease taken); > 0 refused, ms to wait
]]
--- @include "includes/nowMs"
local function breakerAdmit(stateKey, probeKey, owner, probeLeaseMs, halfOpenWaitMs)
  local openUntil = tonumber(redis.call('HGET', stateKey, 'openUntil') or '0')
  if openUntil == 0 then
    if redis.call('EXISTS', stateKey) == 1 then return -2 end
    return 0
  end
  if now < openUntil then return openUntil - now end
  if redis.call('SET', probeKey, owner, 'NX', 'PX', probeLeaseMs) then return -1 end
  return math.max(1, math.min(tonumber(halfOpenWaitMs), redis.call('PTTL', probeKey)))
end
