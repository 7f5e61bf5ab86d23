-- Pipelined requests for wrk: each write carries DEPTH GET requests
-- (the first script argument, default 16), after wrk's own pipeline.lua.
-- Usage: wrk -s pipeline.lua URL -- 16

init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format(nil)
  end
  req = table.concat(r)
end

request = function()
  return req
end
