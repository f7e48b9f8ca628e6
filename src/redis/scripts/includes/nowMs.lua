--[[
  Redis's own clock in ms, so that processes whose clocks disagree still share one timeline.
  Defines: now
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
